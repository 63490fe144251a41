// `npm test`'s first step: build the client, typecheck, and compile the tests (build-tests.ts),
// unless all three already ran on exactly these sources. CI runs `npm test` twice (SQLite, then
// PostgreSQL) on one checkout; none of the three depends on the database, so the second run reuses
// the first's when every file git knows of (tracked or not ignored) has the same content. The stamp
// is written only after all passed, and holds the hash of the sources as they were then (the build
// regenerates client/src/lib/api/types.ts, so the hash is taken after it).
import { createHash } from 'node:crypto';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildTests, builtFrom } from './build-tests.ts';

const root = path.resolve(import.meta.dirname, '..');
const stampFile = path.join(root, 'node_modules', '.cache', 'dangan-pretest.json');

function sourcesHash(): string {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '-z'], { cwd: root, encoding: 'utf8' })
    .split('\0')
    .filter(Boolean)
    .sort();
  const h = createHash('sha256');
  for (const f of files) {
    const full = path.join(root, f);
    if (!fs.existsSync(full)) continue; // deleted but not yet staged
    h.update(f).update('\0').update(fs.readFileSync(full)).update('\0');
  }
  return h.digest('hex');
}

function run(script: string): void {
  const r = spawnSync('npm', ['run', script], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const stamp = fs.existsSync(stampFile) ? (JSON.parse(fs.readFileSync(stampFile, 'utf8')) as { hash: string; at: string }) : null;
// compiled/ must hold exactly the stamped sources: a build for other sources that then failed its
// client typecheck, or one cut short, does not count.
const built = fs.existsSync(path.join(root, 'client', 'dist', 'index.html')) && !!stamp && builtFrom() === stamp.hash;
if (built && stamp.hash === sourcesHash()) {
  console.log(`build, typecheck and compiled tests: up to date (passed on these same sources at ${stamp.at})`);
} else {
  run('build');
  const checked = sourcesHash();
  // The server side's typecheck is the compile of the tests (scripts/build-tests.ts); the client's is svelte-check.
  if (!buildTests(checked)) process.exit(1);
  run('typecheck:client');
  // A file edited while the typecheck ran leaves no stamp: the next run checks again.
  if (sourcesHash() === checked) {
    fs.mkdirSync(path.dirname(stampFile), { recursive: true });
    fs.writeFileSync(stampFile, JSON.stringify({ hash: checked, at: new Date().toISOString() }));
  }
}
