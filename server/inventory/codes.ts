// 库房核对: which archives a stock check expects on the shelf, and what a check finds of each.

/** The register says these stand on the shelf: they are checked. */
export const ON_SHELF = ['in_stock', 'retired', 'deceased'];
/** The register says these are away (lent, at the scanners, being transferred): counted, not checked. */
export const AWAY = ['on_loan', 'digitizing', 'transferring'];

export const ITEM_RESULTS = {
  unchecked: { zh: '未核对', en: 'Not checked' },
  found: { zh: '在架', en: 'In place' },
  misplaced: { zh: '位置不符', en: 'Elsewhere' },
  missing: { zh: '未找到', en: 'Missing' },
} as const;
export type ItemResult = keyof typeof ITEM_RESULTS;
export const ITEM_RESULT_CODES = Object.keys(ITEM_RESULTS) as [ItemResult, ...ItemResult[]];
