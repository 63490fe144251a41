// `npm test` runs the suite compiled to JavaScript, not through tsx: tsx's loader hooks cost each
// test process ~0.9 s of CPU to load the server's module graph (measured: 1.9 s with tsx, 1.0 s
// compiled), and the suite starts one per test file, 184 of them per database. One `tsc` pass
// both typechecks and writes the JavaScript into BUILD_DIR (compiled/), a mirror of the checkout:
// - every compiled file sits where its source sits (server/db.js for server/db.ts), so paths a
//   module takes from import.meta (migrations, the XLSX worker, fixtures) resolve as they do from
//   the sources;
// - every other file of the compiled folders (the .ts sources themselves, for the tests that read
//   them; fixtures; the worker's .mjs) is linked in beside them;
// - the folders that are not compiled (processes/, node_modules/) and the package files are links
//   to the checkout's.
// `npx ava some.test.ts` still runs a test from its source through tsx (package.json's "ava").
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
export const BUILD_DIR = path.join(root, 'compiled');
/** The folders tsconfig.json compiles (the client's plain .ts modules that tests import), mirrored file by file. */
const COMPILED = ['server', 'db', 'test', 'scripts', 'shared', 'bench', 'types', 'client'];
/** Linked as a whole. */
const LINKED = ['processes', 'node_modules', 'package.json', 'package-lock.json'];

/** Links `rel` into BUILD_DIR: whole when tsc wrote nothing into it (client/dist, fixtures), else file by file. */
function linkTree(rel: string): void {
  const src = path.join(root, rel);
  const at = path.join(BUILD_DIR, rel);
  if (!fs.existsSync(at)) {
    fs.mkdirSync(path.dirname(at), { recursive: true });
    fs.symlinkSync(src, at);
    return;
  }
  if (!fs.statSync(at).isDirectory()) return; // tsc's output for a .js source
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    if (e.name !== 'node_modules') linkTree(path.join(rel, e.name));
  }
}

/** Inside BUILD_DIR, written last: the hash of the sources it was built from (scripts/pretest.ts). */
const BUILT_FROM = path.join(BUILD_DIR, '.built-from');

/** The hash of the sources BUILD_DIR holds, when a build of it finished. */
export const builtFrom = (): string | null => (fs.existsSync(BUILT_FROM) ? fs.readFileSync(BUILT_FROM, 'utf8') : null);

/**
 * Typechecks the server side and writes BUILD_DIR afresh from the sources whose hash is `sources`;
 * false when the typecheck failed. A build cut short leaves no BUILT_FROM, so it is never taken
 * for a finished one.
 */
export function buildTests(sources: string): boolean {
  fs.rmSync(BUILD_DIR, { recursive: true, force: true });
  const tsc = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root, '--noEmit', 'false', '--outDir', BUILD_DIR, '--rewriteRelativeImportExtensions', '--noEmitOnError'],
    { cwd: root, stdio: 'inherit' },
  );
  if (tsc.status !== 0) return false;
  for (const d of COMPILED) if (fs.existsSync(path.join(root, d))) linkTree(d);
  fs.symlinkSync(path.join(root, 'knexfile.ts'), path.join(BUILD_DIR, 'knexfile.ts'));
  for (const f of LINKED) fs.symlinkSync(path.join(root, f), path.join(BUILD_DIR, f));
  fs.writeFileSync(BUILT_FROM, sources);
  return true;
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  process.exit(buildTests('') ? 0 : 1);
}
