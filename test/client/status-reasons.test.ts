// An archive's 档案状态记录 in one language at a time: the reasons the system wrote (a loan, 数字化出库/
// 回库, a transfer) come as data and read in the user's language, codes in them as words; a reason a
// person typed is shown as typed (client/src/lib/format/status-reason.ts, server/archives/status-reason.ts).
import test from 'ava';
import { statusReasonText } from '../../client/src/lib/format/status-reason.ts';
import { zh } from '../../client/src/lib/i18n/zh.ts';
import { en } from '../../client/src/lib/i18n/en.ts';
import { STATUS_REASON_CODES, STATUS_REASONS, systemReason, systemReasonText } from '../../server/archives/status-reason.ts';

const row = (code: Parameters<typeof systemReason>[0], params: Record<string, string>) => {
  const said = systemReason(code, params);
  return { reason: systemReasonText(said), systemReason: said };
};

test('the 数字化出库/回库 reasons read in the user’s language, the purpose and the status restored as words', (t) => {
  const out = row('digitisation_out', { caseNo: '数字化-2026-0003', purpose: 'rescan' });
  t.is(statusReasonText('zh', out), '数字化出库 数字化-2026-0003（补扫）');
  t.is(statusReasonText('en', out), 'Out for digitisation, 数字化-2026-0003 (Rescanning)');
  const restored = row('digitisation_restore', { caseNo: '数字化-2026-0003', status: 'retired' });
  t.is(statusReasonText('zh', restored), '数字化回库 数字化-2026-0003，恢复离退状态');
  t.is(statusReasonText('en', restored), 'Back from digitisation, 数字化-2026-0003; status Retired restored');
  t.is(statusReasonText('en', row('loan_back_damaged', { caseNo: '借阅-2026-0001' })), 'Returned with missing or damaged materials, 借阅-2026-0001');
});

test('the Chinese the page words from the data is the line the server keeps', (t) => {
  const params = { caseNo: 'X-1', purpose: 'scan', status: 'deceased' };
  for (const code of STATUS_REASON_CODES) t.is(statusReasonText('zh', row(code, params)), systemReasonText({ code, params }), code);
});

test('every reason the system writes has words in both languages; the English has no Chinese of its own', (t) => {
  t.deepEqual(Object.keys(zh.archive.statusReasons).sort(), Object.keys(STATUS_REASONS).sort());
  t.deepEqual(Object.keys(en.archive.statusReasons).sort(), Object.keys(STATUS_REASONS).sort());
  for (const code of STATUS_REASON_CODES) {
    t.notRegex(statusReasonText('en', row(code, { caseNo: 'X-1', purpose: 'repair', status: 'retired' })), /[\u4e00-\u9fff]/, code);
  }
});

test('a reason a person typed is shown as typed (the page may pick the half in its language)', (t) => {
  const own = { reason: '数字化出库 数字化-2026-0003（扫描）', systemReason: null };
  t.is(statusReasonText('en', own), own.reason, 'in the system’s words, still the person’s');
  t.is(statusReasonText('en', { reason: '库房核对位置更正 / stock check', systemReason: null }, (s) => s.split(' / ')[1]), 'stock check');
});
