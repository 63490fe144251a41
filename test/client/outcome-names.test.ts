// A finished case's badge (已办结 · …), its timeline (办结：…) and 我的申请 read the case's outcome in
// words (i18n `outcome.*`). The codes are collected from the engine services in the server's source
// (`outcome: 'x'`, `outcome: c ? 'a' : 'b'`, in files that implement ServiceContext steps), so a
// process that ends with a new code fails here rather than showing "已办结 · transferred".
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { zh } from '../../client/src/lib/i18n/zh.ts';
import { en } from '../../client/src/lib/i18n/en.ts';

function serverFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return serverFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

function caseOutcomes(): string[] {
  const codes = new Set<string>();
  for (const file of serverFiles(path.resolve('server'))) {
    const src = fs.readFileSync(file, 'utf8');
    if (!/ServiceContext/.test(src)) continue;
    for (const m of src.matchAll(/\boutcome: ([^,}\n]+)/g)) {
      // a ternary's values, not its condition
      const values = m[1].includes('?') ? m[1].slice(m[1].indexOf('?')) : m[1];
      for (const c of values.matchAll(/'([a-z_]+)'/g)) codes.add(c[1]);
    }
  }
  // The BPMN documentation names the outcome variable's values too.
  for (const f of fs.readdirSync('processes').filter((n) => n.endsWith('.bpmn'))) {
    const src = fs.readFileSync(path.join('processes', f), 'utf8');
    for (const m of src.matchAll(/outcome = ([a-z_]+)[^或]*或 ([a-z_]+)/g)) codes.add(m[1]).add(m[2]);
  }
  return [...codes].sort();
}

test('every outcome a process sets has words in Chinese and in English', (t) => {
  const codes = caseOutcomes();
  t.true(['approved', 'rejected', 'cancelled', 'transferred', 'returned', 'stored'].every((c) => codes.includes(c)), `the scan finds the processes' outcomes: ${codes.join(', ')}`);
  const zhWords = zh.outcome as Record<string, string>;
  const enWords = en.outcome as Record<string, string>;
  t.deepEqual(codes.filter((c) => !zhWords[c] || /[a-z]/i.test(zhWords[c])), [], 'Chinese');
  t.deepEqual(codes.filter((c) => !enWords[c]), [], 'English');
});
