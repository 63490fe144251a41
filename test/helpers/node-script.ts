// A project script (scripts/x.ts, server/main.ts) in a child node process, as `npm run` starts it:
// from its source through tsx, or, when this module itself runs compiled (`npm test`, compiled/ by
// scripts/build-tests.ts), as the compiled .js beside the source. tsx's loader costs each child
// 0.4–1 s of CPU more, and the suite starts some 45 of them per database (backups, restores, the
// CLI import, admins:init).
import fs from 'node:fs';
import path from 'node:path';

const compiled = import.meta.filename.endsWith('.js');

/** node's arguments to run `script` (a .ts path from `root`) with `args`. */
export function nodeScriptArgs(root: string, script: string, args: string[] = []): string[] {
  const source = path.join(root, script);
  const js = source.replace(/\.ts$/, '.js');
  return compiled && fs.existsSync(js) ? [js, ...args] : ['--import=tsx', source, ...args];
}
