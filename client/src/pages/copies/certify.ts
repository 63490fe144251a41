// What the two dialogs that make a register row's certified PDF share (a copy's pages: MakePdfDialog;
// an extract's text: ExtractDialog): the row, the run of pages it holds or cites — checked here as
// the server checks it (empty, not whole numbers, reversed, outside the row), with the field to
// point at — and where the server's refusal is told.
import type { ApiRoutes } from '../../lib/api/types.ts';
import { errorText } from '../../lib/api/errors.ts';
import { i18n, t } from '../../lib/i18n/index.svelte.ts';
import { colon } from '../../lib/format/punct.ts';
import { toasts } from '../../lib/state/toasts.svelte.ts';

export type RegisterRow = ApiRoutes['GET /api/copy-register']['response']['items'][number];

export type RangeField = 'from' | 'to' | 'both';
export interface RangeProblem {
  text: string;
  field: RangeField;
}

const blank = (v: unknown) => v === null || v === undefined || Number.isNaN(v);

export function rangeProblem(from: number | null | undefined, to: number | null | undefined, approved: { from: number; to: number }): RangeProblem | null {
  if (blank(from) || blank(to)) return { text: t('copies.errEmpty'), field: blank(from) ? 'from' : 'to' };
  const f = from as number;
  const l = to as number;
  if (!Number.isInteger(f) || f < 1) return { text: t('copies.errWhole'), field: 'from' };
  if (!Number.isInteger(l) || l < 1) return { text: t('copies.errWhole'), field: 'to' };
  if (f > l) return { text: t('copies.errOrder'), field: 'both' };
  if (f < approved.from) return { text: t('copies.errRange', approved), field: 'from' };
  if (l > approved.to) return { text: t('copies.errRange', approved), field: 'to' };
  return null;
}

/**
 * The server's refusal of a row's PDF: the text to show in the dialog while it is open; once it has
 * closed meanwhile, told in a toast naming the row (and '' returned), so the answer still reaches
 * the archivist.
 */
export function refusal(err: unknown, row: RegisterRow, dialogOpen: boolean): string {
  if (dialogOpen) return errorText(err);
  toasts.error(`${row.serialNo}${colon(i18n.locale)}${errorText(err)}`);
  return '';
}
