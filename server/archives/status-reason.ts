// The reasons the system itself writes on an archive's status history (档案状态记录): a loan, a
// 数字化出库/回库, a transfer moved the archive. They are kept as data (`system_reason` {code,
// params}) beside the Chinese line in `reason` (for whoever reads the table or the audit), so that
// a page words them in its reader's language; a reason a person typed has no code and stays as typed.
import { ARCHIVE_STATUSES, type ArchiveStatus } from './codes.ts';

/** purpose: 扫描/补扫/修裱 as the batch's code (server/digitisation/codes.ts); status: an archive status code. */
const PURPOSE_ZH: Record<string, string> = { scan: '扫描', rescan: '补扫', repair: '修裱' };

export const STATUS_REASONS = {
  digitisation_out: (p: Record<string, string>) => `数字化出库 ${p.caseNo}（${PURPOSE_ZH[p.purpose] ?? p.purpose}）`,
  digitisation_back: (p: Record<string, string>) => `数字化回库 ${p.caseNo}`,
  digitisation_restore: (p: Record<string, string>) => `数字化回库 ${p.caseNo}，恢复${ARCHIVE_STATUSES[p.status as ArchiveStatus]?.zh ?? p.status}状态`,
  loan_out: (p: Record<string, string>) => `借出 ${p.caseNo}`,
  loan_back: (p: Record<string, string>) => `归还 ${p.caseNo}`,
  loan_back_damaged: (p: Record<string, string>) => `归还（有缺失或损坏）${p.caseNo}`,
  transfer_out: (p: Record<string, string>) => `转递 ${p.caseNo}`,
  transfer_in: (p: Record<string, string>) => `转入 ${p.caseNo}`,
  transfer_returned: (p: Record<string, string>) => `被退回 ${p.caseNo}`,
  transfer_done: (p: Record<string, string>) => `已转出，回执已退回 ${p.caseNo}`,
} as const;
export type StatusReasonCode = keyof typeof STATUS_REASONS;
export const STATUS_REASON_CODES = Object.keys(STATUS_REASONS) as [StatusReasonCode, ...StatusReasonCode[]];

export interface SystemReason {
  code: StatusReasonCode;
  params: Record<string, string>;
}

export const systemReason = (code: StatusReasonCode, params: Record<string, string>): SystemReason => ({ code, params });

/** The Chinese line the table keeps in `reason`, as it was written before the data was kept. */
export const systemReasonText = (r: SystemReason): string => STATUS_REASONS[r.code](r.params);
