// 历史数据迁移 from the command line: `npm run import -- <file.csv|file.xlsx> [--dry-run]
// [--custodian <office code>] [--json]`. Checks every row first; imports nothing unless all rows
// are valid, then everything in one transaction. Progress goes to stderr. Exit code 0 when imported
// (or a clean dry run), 1 when rows were refused, 2 for a usage or configuration problem, a file
// that cannot be read, or a database busy with the server's writes.
import fs from 'node:fs';
import path from 'node:path';
import { loadConfig, ConfigError } from '../server/config.ts';
import { createDb, migrate } from '../server/db.ts';
import { systemClock } from '../server/clock.ts';
import { createLogger } from '../server/logger.ts';
import { createServices } from '../server/services.ts';
import * as people from '../server/people/store.ts';
import { readImportFile } from '../server/archives/import-read.ts';
import { runImport, type ImportReport } from '../server/archives/import.ts';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--') && args[args.indexOf(a) - 1] !== '--custodian');
const dryRun = args.includes('--dry-run');
const json = args.includes('--json');
const custodianCode = args.includes('--custodian') ? args[args.indexOf('--custodian') + 1] : undefined;

function usage(msg: string): never {
  console.error(`${msg}\n用法 / usage: npm run import -- <file.csv|file.xlsx> [--dry-run] [--custodian <管档单位代码>] [--json]`);
  process.exit(2);
}

function print(report: ImportReport) {
  if (json) return console.log(JSON.stringify(report, null, 2));
  const { cadres, materials } = report.counts;
  if (report.errors.length) {
    console.log(`发现 ${report.errorCount} 处错误，未导入任何数据 / ${report.errorCount} problems found, nothing imported:`);
    for (const e of report.errors) console.log(`  [${e.sheet}] 第 ${e.row} 行${e.column ? ` 列 ${e.column}` : ''}: ${e.problem}`);
  } else if (report.dryRun) {
    console.log(`试运行通过：可导入干部 ${cadres} 人、档案 ${report.counts.archives} 卷、目录 ${materials} 条（未写入） / dry run clean: ${cadres} cadres, ${materials} catalogue rows would be imported`);
  } else {
    console.log(`已导入干部 ${cadres} 人、档案 ${report.counts.archives} 卷、目录 ${materials} 条 / imported ${cadres} cadres, ${materials} catalogue rows`);
  }
}

/** Rows checked so far, at most once a second and at the end (stderr: stdout stays the report). */
function progress() {
  let last = 0;
  return (checked: number, total: number) => {
    const now = Date.now();
    if (checked < total && now - last < 1000) return;
    last = now;
    console.error(`已检查 ${checked}/${total} 行 / ${checked} of ${total} rows checked`);
  };
}

async function main() {
  if (!file) usage('缺少文件 / no file given');
  if (!fs.existsSync(file)) usage(`文件不存在 / no such file: ${file}`);
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) usage(e.message);
    throw e;
  }
  const db = createDb(config);
  try {
    // Only when the schema is behind: migrating takes knex's migration lock, a write that would
    // wait on (and fail behind) a server busy writing.
    const [, pending] = await db.migrate.list();
    if (pending.length) await migrate(db);
    let defaultOffice: number | undefined;
    if (custodianCode) {
      const office = await people.findOrgUnitByCode(db, custodianCode);
      if (!office?.is_custodian) usage(`不是管档单位 / not a custodian office: ${custodianCode}`);
      defaultOffice = office.id;
    }
    // The server's services (nothing started): the audit log and the filing rule of 扫描质检 with its
    // listener (server/quality), so an import here files as one over the API does.
    const services = createServices({ config, db, clock: systemClock, log: createLogger('silent') });
    const { audit, archives } = services;
    // A CSV's rows are named by the file's own name, not the path it was given as.
    const sheets = await readImportFile(fs.readFileSync(file), path.basename(file), { xlsx: /\.xlsx$/i.test(file) });
    const entry = (r: ImportReport) => ({
      actorName: 'cli',
      action: dryRun ? 'import.dry_run' : 'import.run',
      objectType: 'file',
      outcome: r.errors.length ? ('failure' as const) : ('success' as const),
      detail: { imported: r.imported, counts: r.counts, problems: r.errorCount },
    });
    const report = await runImport(db, systemClock, sheets, { dryRun, defaultOffice, actor: null, onProgress: progress(), filed: (trx, rows) => archives.checkUnscannedInDigitised(trx, rows, null) }, (trx, r) => audit.record(trx, entry(r)).then(() => undefined));
    if (!report.imported) await audit.record(null, entry(report));
    print(report);
    process.exitCode = report.errors.length ? 1 : 0;
  } finally {
    await db.destroy();
  }
}

/** An error a person can act on: the message, then each detail on its own line; a stack only for a bug. */
function explain(e: unknown): string {
  const err = e as { message?: string; details?: unknown; code?: unknown; status?: number };
  if (/^SQLITE_BUSY/.test(String(err?.code ?? ''))) return '服务正在写入数据库，请稍后重试 / The database is busy with the server\'s writes; try again in a moment';
  if (typeof err?.status !== 'number') return String((e as Error)?.stack ?? e);
  const lines = [err.message ?? ''];
  if (Array.isArray(err.details)) for (const d of err.details) lines.push(`  ${d?.field ? `${d.field}: ` : ''}${d?.message ?? JSON.stringify(d)}`);
  else if (err.details && typeof err.details === 'object' && !('rule' in err.details)) lines.push(`  ${JSON.stringify(err.details)}`);
  return lines.join('\n');
}

main().catch((e) => {
  console.error(explain(e));
  process.exit(2);
});
