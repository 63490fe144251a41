// The results of a stock check's item in the order the page lists them, each with its words and
// the badge colour it reads in (在架 green, 位置不符 amber, 未找到 red, 未核对 grey).
import type { StockCheckItem } from '../../api/types.ts';
import type { MessageKey } from '../../i18n/index.svelte.ts';

export type ItemResult = StockCheckItem['result'];

export const RESULTS: Array<{ code: ItemResult; label: MessageKey; badge: string }> = [
  { code: 'found', label: 'stock.result.found', badge: 'badge-ok' },
  { code: 'misplaced', label: 'stock.result.misplaced', badge: 'badge-warn' },
  { code: 'missing', label: 'stock.result.missing', badge: 'badge-danger' },
  { code: 'unchecked', label: 'stock.result.unchecked', badge: '' },
];

export const RESULT_CODES = RESULTS.map((r) => r.code);

export const resultOf = (code: ItemResult) => RESULTS.find((r) => r.code === code)!;
