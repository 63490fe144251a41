// The words of a move back the scan check made on its own (数字化记录): the table keeps one line in
// both languages for whoever reads it directly, and the material and findings as data (`auto_back`)
// for the pages, which word them in their reader's language.

export interface AutoBack {
  seqNo: string;
  /** The findings' codes, as in the check result (PAGE_COUNT, LOW_DPI, …). */
  codes: string[];
}

export const autoBackNote = ({ seqNo, codes }: AutoBack): string =>
  `扫描质检未通过，自动退回：材料 ${seqNo}（${codes.join('、')}） / Scan check failed, moved back automatically: material ${seqNo} (${codes.join(', ')})`.slice(0, 500);
