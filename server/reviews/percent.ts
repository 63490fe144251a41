// A review's score out of 100, the one way it is read everywhere: 待复核, a review's page and lists,
// 统计分析, and the pass mark on confirming (合格 / 不合格). A 审核标准 version published before totals
// were held to 100 (87 of ~147 points) reads in percent of its own total: 87 of 147 is 59.18…, shown 59.1.
//
// The decision is made on the exact figure; the figure shown is TRUNCATED to one decimal, never
// rounded: 79.96 shows 79.9, not 80.0, so a score shown against a pass mark of 80 never reads as a
// pass when confirming it gives 不合格. Pure: no database, no clock.

/** The score as an exact percent of its version's total; the score itself when no total is known. */
export function scorePercent(score: number, total: number | undefined): number {
  return total ? (score * 100) / total : score;
}

/**
 * The percent shown, one decimal, truncated. Computed from score × 1000 / total (not from the percent
 * × 10, which may land at 802.999… for 80.3); the tiny allowance only undoes such float noise — no
 * score in steps of 0.5 on a total of whole points lies that close below a tenth.
 */
export function shownPercent(score: number, total: number | undefined): number {
  const tenths = total ? (score * 1000) / total : score * 10;
  return Math.floor(tenths + 1e-9) / 10;
}

/** 合格: no veto item failed and the exact percent reaches the pass mark (out of 100). */
export function passes(score: number, total: number | undefined, passMark: number, vetoed: boolean): boolean {
  return !vetoed && scorePercent(score, total) >= passMark;
}
