// 历史数据迁移 into an archive 已验收 or 已数字化: the imported rows have no scans, so the import applies
// the filing rule of 扫描质检 that filing by hand applies (ArchivesService.checkUnscannedInDigitised,
// one place for both): a failing check recorded and listed on /quality, the archive moved back to
// 部分数字化 with a note naming the material, in the import's transaction — over the API and from
// the CLI. Before, the archive stayed 已验收 with materials that have no pages.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { auditRows, importFileIn, plainArchiveOf, postBytes, runImportCli } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const CAT = 'archive_no,e01z211,e01z211a,e01z227,e01z224';
/** `npm run import -- …`: exit code, and stdout then stderr. */
const cli = (...args: string[]) => runImportCli(sys, args);
const tmpFile = (name: string, bytes: string) => importFileIn(sys, name, bytes);

/** The next demo archive of the city office to look at. */
let nextPlain = 0;
/** An archive of the city office, every material scanned at 300 dpi and marked 已数字化 (then 已验收 by the chief when `verify`). */
async function digitisedArchive(verify: boolean) {
  let a = await plainArchiveOf(sys, '150300-ZZB-DAS', nextPlain++);
  while ((await db()('archives').where({ id: a.archiveId }).first()).digital_status !== 'none') a = await plainArchiveOf(sys, '150300-ZZB-DAS', nextPlain++);
  const materials: Array<{ id: number; pages: number }> = await db()('materials').where({ archive_id: a.archiveId }).select('id', 'pages');
  for (const m of materials) {
    const pages = await Promise.all(Array.from({ length: m.pages }, (_, i) => sharp({ create: { width: 60, height: 85, channels: 3, background: { r: 100 + ((m.id * 7 + i) % 150), g: 100 + ((m.id * 7 + i) % 150), b: 100 + ((m.id * 7 + i) % 150) } } }).jpeg().withMetadata({ density: 300 }).toBuffer()));
    await db().transaction((trx) => sys.services.archives.addPageScans(trx, m.id, pages));
  }
  const move = async (user: string, to: string) => {
    const res = await (await sys.as(user)).post(`/api/archives/${a.archiveId}/digital-status`, { to });
    if (res.status !== 200) throw new Error(JSON.stringify(res.body));
  };
  await move('archivist1', 'done');
  if (verify) await move('chief1', 'verified');
  return { id: a.archiveId as number, no: (await db()('archives').where({ id: a.archiveId }).first()).archive_no as string };
}

test.serial('an import into an archive 已验收 or 已数字化 moves it back to 部分数字化, as filing by hand does: the failing check listed, the note in the history', async (t) => {
  const verified = await digitisedArchive(true);
  const done = await digitisedArchive(false);
  const untouched = await digitisedArchive(false);
  const archivist = await sys.as('archivist1');
  const file = `${CAT}\n${verified.no},7,嘉奖审批表（迁移）,2021-05-01,1\n${verified.no},7,嘉奖审批表（迁移二）,2022-05-01,1\n${done.no},7,嘉奖审批表（迁移）,2021-05-01,2\n`;
  // The dry run moves nothing.
  t.deepEqual((await postBytes(archivist, '/api/imports?dryRun=true', file, 'text/csv')).body.errors, []);
  t.is((await db()('archives').where({ id: verified.id }).first()).digital_status, 'verified');
  const res = await postBytes(archivist, '/api/imports?dryRun=false', file, 'text/csv');
  t.true(res.body.imported, JSON.stringify(res.body));
  const statusOf = async (id: number) => (await db()('archives').where({ id }).first()).digital_status;
  t.deepEqual([await statusOf(verified.id), await statusOf(done.id), await statusOf(untouched.id)], ['partial', 'partial', 'done']);
  const imported = await db()('materials').where({ archive_id: verified.id }).whereLike('title', '嘉奖审批表（迁移%').orderBy('id').first();
  const history = (await archivist.get(`/api/archives/${verified.id}`)).body.digitalHistory.at(-1);
  t.like(history, { fromStatus: 'verified', toStatus: 'partial' });
  t.regex(history.note, new RegExp(`^扫描质检未通过，自动退回：材料 ${imported.seq_no}（PAGE_COUNT`));
  t.like(await db()('scan_checks').where({ material_id: imported.id }).first(), { trigger: 'filing', pages_scanned: 0 });
  const listed = (await archivist.get(`/api/scan-checks/failing?archiveId=${verified.id}`)).body.items.map((i: any) => i.materialId);
  t.deepEqual(listed, [imported.id]);
  const audit = (await auditRows(sys, 'archive.digital_status')).filter((r: any) => Number(r.object_id) === verified.id).at(-1);
  t.like(JSON.parse(audit.detail), { from: 'verified', to: 'partial', auto: true, materialId: imported.id, trigger: 'filing' });

  // The CLI files as the API does.
  const cliTarget = await digitisedArchive(true);
  const out = await cli(tmpFile('verified.csv', `${CAT}\n${cliTarget.no},7,嘉奖审批表（命令行）,2021-05-01,1\n`));
  t.is(out.code, 0, out.out);
  t.is(await statusOf(cliTarget.id), 'partial');
});
