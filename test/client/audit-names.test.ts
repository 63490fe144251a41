// The auditor reads every action the server records in words (console/audit/audit-names.ts): an
// action's own name, or its domain's word with its verb's. The codes are collected from the
// server's source (`action: 'x.y'`, and the read actions handed to audit helpers), so a new action
// without words fails here rather than showing "专项审核工作 · list" in the console.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { consoleAuditZh } from '../../client/src/lib/i18n/console-audit.zh.ts';
import { consoleAuditEn } from '../../client/src/lib/i18n/console-audit.en.ts';
import { AUDITED_REFUSALS } from '../../server/admin/users.ts';

function serverFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return serverFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [p] : [];
  });
}

const READ_VERBS = 'view|list|items|search|export|read|view_denied|case_list|case_list_denied|thumbnail|comments|attachments|diagram|form';
function recordedActions(): string[] {
  const codes = new Set<string>();
  for (const file of serverFiles(path.resolve('server'))) {
    const src = fs.readFileSync(file, 'utf8');
    for (const m of src.matchAll(/action: '([a-z_]+\.[a-z_]+)'/g)) codes.add(m[1]);
    for (const m of src.matchAll(new RegExp(`[(,] ?'([a-z_]+\\.(?:${READ_VERBS}|[a-z_]+_denied))'`, 'g'))) codes.add(m[1]);
  }
  return [...codes].sort();
}

function worded(dict: typeof consoleAuditZh, code: string): boolean {
  const [domain, verb] = code.split('.');
  const own = (dict.actions as Record<string, Record<string, string>>)[domain]?.[verb];
  const domainWord = (dict.domains as Record<string, string>)[domain];
  const verbWord = (dict.verbs as Record<string, string>)[verb];
  return !!own || (!!domainWord && !!verbWord);
}

test('every action the server records has words in Chinese and in English', (t) => {
  const codes = recordedActions();
  t.true(codes.length > 80, `found ${codes.length} action codes`);
  t.true(codes.includes('review_campaign.list') && codes.includes('auth.login'), 'the scan finds the server’s actions');
  t.deepEqual(codes.filter((c) => !worded(consoleAuditZh, c)), [], 'Chinese');
  t.deepEqual(codes.filter((c) => !worded(consoleAuditEn as typeof consoleAuditZh, c)), [], 'English');
});

test('every 三员 rule a refused administrator attempt is audited with has words in Chinese and in English', (t) => {
  t.true(AUDITED_REFUSALS.includes('SEPARATION_OF_DUTIES'));
  for (const rule of AUDITED_REFUSALS) {
    t.truthy((consoleAuditZh.rules as Record<string, string>)[rule], `zh ${rule}`);
    t.truthy((consoleAuditEn.rules as Record<string, string>)[rule], `en ${rule}`);
  }
});

/** Object kinds the server writes: literal `objectType: 'x'`, and the office books' lists (objectType from the action's domain). */
function recordedObjectTypes(): string[] {
  const kinds = new Set<string>(['reading_register', 'copy_register']);
  for (const file of serverFiles(path.resolve('server'))) {
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/objectType: '([a-z_]+)'/g)) kinds.add(m[1]);
  }
  return [...kinds].sort();
}

test('every kind of object the server records reads in words in Chinese and in English (no raw audit_log, route, page …)', (t) => {
  const kinds = recordedObjectTypes();
  t.true(kinds.includes('page') && kinds.includes('route') && kinds.includes('audit_log'), kinds.join(','));
  t.deepEqual(kinds.filter((k) => !(consoleAuditZh.objectTypes as Record<string, string>)[k]), [], 'Chinese');
  t.deepEqual(kinds.filter((k) => !(consoleAuditEn.objectTypes as Record<string, string>)[k]), [], 'English');
  t.is(consoleAuditZh.objectIds.report.summary, '汇总统计');
});

test('every reason a reading-room refusal is audited with reads in words in Chinese and in English', (t) => {
  const src = fs.readFileSync(path.resolve('server/reading/service.ts'), 'utf8');
  const union = /export type ReadingDenial = ([^;]+);/.exec(src)![1];
  const reasons = [...union.matchAll(/'([a-z_]+)'/g)].map((m) => m[1]);
  t.true(reasons.includes('category'));
  for (const r of [...reasons, 'out_of_scope', 'absent_or_out_of_scope']) {
    t.truthy((consoleAuditZh.reasons as Record<string, string>)[r], `zh ${r}`);
    t.truthy((consoleAuditEn.reasons as Record<string, string>)[r], `en ${r}`);
  }
});

test('a refused PDF of a 摘录件 (detail.kind extract) reads as the extract’s, in Chinese and in English', (t) => {
  // audit-names actionName words copy.<verb> of an extract's row by verbs.<verb>_extract.
  t.is(consoleAuditZh.verbs.pdf_denied_extract, '制作摘录件 PDF 被拒');
  t.is(consoleAuditZh.verbs.pdf_download_denied_extract, '下载摘录件 PDF 被拒');
  t.is(consoleAuditEn.verbs.pdf_denied_extract, 'make extract PDF refused');
  t.is(consoleAuditEn.verbs.pdf_download_denied_extract, 'download extract PDF refused');
});
