// The code lists of 数字化出库/回库: what a batch is taken out for and the states of a batch. The
// archive statuses a batch may take from the shelf are archives/codes.ts ON_SHELF.

export const PURPOSES = {
  scan: { zh: '扫描', en: 'Scanning' },
  rescan: { zh: '补扫', en: 'Rescanning' },
  repair: { zh: '修裱', en: 'Repair' },
} as const;
export type Purpose = keyof typeof PURPOSES;
export const PURPOSE_CODES = Object.keys(PURPOSES) as [Purpose, ...Purpose[]];

export const BATCH_STATUSES = {
  review: { zh: '待审批', en: 'Awaiting approval' },
  approved: { zh: '待出库', en: 'Approved, not yet handed over' },
  out: { zh: '已出库', en: 'Out for digitisation' },
  returned: { zh: '已回库', en: 'Returned' },
  rejected: { zh: '已驳回', en: 'Rejected' },
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
} as const;
export type BatchStatus = keyof typeof BATCH_STATUSES;
export const BATCH_STATUS_CODES = Object.keys(BATCH_STATUSES) as [BatchStatus, ...BatchStatus[]];

/** A batch in these states holds its archives: no other batch may take them. */
export const OPEN_STATUSES: readonly BatchStatus[] = ['review', 'approved', 'out'];

/** At most this many archives in one batch (one hand-over list, one trolley's worth). */
export const MAX_BATCH_ARCHIVES = 200;
