// Finding the demo's cadres, archives and materials by what a person would know about them.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { TestSystem } from '../helpers/server.ts';
import { projectRoot } from '../../server/services.ts';
import { nodeScriptArgs } from '../helpers/node-script.ts';

export async function cadreNamed(sys: TestSystem, name: string) {
  const c = await sys.services.db('cadres').where({ name }).orderBy('id').first();
  if (!c) throw new Error(`no cadre ${name}`);
  const archive = await sys.services.db('archives').where({ cadre_id: c.id }).orderBy('id').first();
  return { cadre: c, archive };
}

export async function cadreOfUser(sys: TestSystem, username: string) {
  const u = await sys.services.db('users').where({ username }).first();
  const c = await sys.services.db('cadres').where({ id: u.cadre_id }).first();
  const archive = await sys.services.db('archives').where({ cadre_id: c.id }).first();
  return { user: u, cadre: c, archive };
}

/** A material of the archive in the given category (the first one). */
export async function materialIn(sys: TestSystem, archiveId: number, category: string) {
  return sys.services.db('materials').where({ archive_id: archiveId, category_code: category }).orderBy('item_no').first();
}

/** An archive held by the office with this code, of a cadre unrelated to the demo users. */
export async function plainArchiveOf(sys: TestSystem, officeCode: string, skip = 0) {
  const office = await sys.services.db('org_units').where({ code: officeCode }).first();
  return sys.services
    .db('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where('a.custodian_org_id', office.id)
    .where('a.kind', 'original')
    .whereNotIn('c.id', sys.services.db('users').whereNotNull('cadre_id').select('cadre_id'))
    .whereNotIn('c.id', sys.services.db('family_members').whereNotNull('related_cadre_id').select('related_cadre_id'))
    .whereNotIn('c.id', sys.services.db('avoidance_entries').select('cadre_id'))
    .orderBy('a.id')
    .offset(skip)
    .first('a.id as archiveId', 'c.id as cadreId', 'c.name');
}

export async function auditRows(sys: TestSystem, action: string) {
  return sys.services.db('audit_log').where({ action }).orderBy('seq');
}

/**
 * A client with a session made directly in the database, without a login (no login audit row, no
 * TOTP step used). `sys.as` logs in the real way, with password and a fresh TOTP code.
 */
export async function sessionOf(sys: TestSystem, username: string) {
  const u = await sys.services.db('users').where({ username }).first();
  const token = await sys.services.sessions.create(sys.services.db, u.id, '127.0.0.1', 'test');
  const c = sys.client();
  (c as unknown as { cookie: string }).cookie = `dangan_sid=${token}`;
  return c;
}

/** POSTs raw bytes (a scan, a spreadsheet) with the client's session. */
export async function postBytes(client: { base: string }, path: string, body: Buffer | string, contentType: string) {
  const cookie = (client as unknown as { cookie: string }).cookie;
  const res = await fetch(client.base + path, { method: 'POST', headers: { cookie, 'content-type': contentType }, body });
  const text = await res.text();
  return { status: res.status, body: (res.headers.get('content-type') ?? '').includes('json') && text ? JSON.parse(text) : text };
}

/** The environment `npm run import` gets in a test: this system's data folder and database. */
export const importCliEnv = (sys: TestSystem): NodeJS.ProcessEnv => ({
  ...process.env,
  DANGAN_DATA_DIR: sys.testDb.dataDir,
  LOG_LEVEL: 'silent',
  ...(sys.testDb.config.databaseUrl ? { DATABASE_URL: sys.testDb.config.databaseUrl } : {}),
});

/** node's arguments for `npm run import -- …` (through tsx from the sources, as npm runs it; compiled in `npm test`). */
export const importCliArgs = (args: string[]): string[] => nodeScriptArgs(projectRoot, 'scripts/import.ts', args);

/** `npm run import -- …` against this system: exit code (or the signal's name), stdout then stderr, and whether the timeout killed it. */
export const runImportCli = (sys: TestSystem, args: string[], opts: { timeout?: number } = {}): Promise<{ code: number | string; out: string; killed?: boolean }> =>
  promisify(execFile)(process.execPath, importCliArgs(args), { env: importCliEnv(sys), cwd: projectRoot, timeout: opts.timeout }).then(
    (r) => ({ code: 0, out: `${r.stdout}${r.stderr}` }),
    (e) => ({ code: e.code as number | string, out: `${e.stdout}${e.stderr}`, killed: e.killed as boolean }),
  );

/** A file in a new folder under the system's data folder (what an operator hands the CLI). */
export function importFileIn(sys: TestSystem, name: string, bytes: Buffer | string): string {
  const file = path.join(fs.mkdtempSync(path.join(sys.testDb.dataDir, 'imp-')), name);
  fs.writeFileSync(file, bytes);
  return file;
}
