// 库房核对: what a check finds of each archive it expects on the shelf (archives/codes.ts ON_SHELF;
// those AWAY are counted, not checked).

export const ITEM_RESULTS = {
  unchecked: { zh: '未核对', en: 'Not checked' },
  found: { zh: '在架', en: 'In place' },
  misplaced: { zh: '位置不符', en: 'Elsewhere' },
  missing: { zh: '未找到', en: 'Missing' },
} as const;
export type ItemResult = keyof typeof ITEM_RESULTS;
export const ITEM_RESULT_CODES = Object.keys(ITEM_RESULTS) as [ItemResult, ...ItemResult[]];
