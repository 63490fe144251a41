// The words of a 数字化出库 batch in the user's language: its status (the tables of
// server/digitisation/codes.ts, copied into the dictionaries) with the badge colour it reads in, and
// its purpose. An unknown code reads as the server's Chinese label.
import type { DigitisationBatch } from '../../api/types.ts';
import { i18n } from '../../i18n/index.svelte.ts';

export type BatchStatus = DigitisationBatch['status'];

/** In the order a batch goes through them, then the two ways it ends without leaving the shelf. */
export const BATCH_STATUSES: BatchStatus[] = ['review', 'approved', 'out', 'returned', 'rejected', 'withdrawn'];

export const isBatchStatus = (s: string | null | undefined): s is BatchStatus => !!s && (BATCH_STATUSES as string[]).includes(s);

/** Waiting on someone: blue; away from the shelf: amber (red when overdue); back: green; refused: red; withdrawn: grey. */
export function batchBadge(status: BatchStatus, overdue = false): string {
  if (overdue) return 'badge-danger';
  return { review: 'badge-info', approved: 'badge-info', out: 'badge-warn', returned: 'badge-ok', rejected: 'badge-danger', withdrawn: '' }[status] ?? '';
}

export const batchStatusLabel = (status: string, serverLabel?: string): string => i18n.tx(`digitisation.status.${status}`, undefined, serverLabel ?? status);

export const purposeLabel = (purpose: string, serverLabel?: string): string => i18n.tx(`digitisation.purpose.${purpose}`, undefined, serverLabel ?? purpose);
