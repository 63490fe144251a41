// The note of a digitisation history row (数字化记录) in the user's language. A move a person made
// carries their own words, shown as written. A move back the scan check made on its own was stored
// as one line in both languages with the findings' codes — "扫描质检未通过，自动退回：材料 7-3
// （PAGE_COUNT、PAGE_MISSING） / Scan check failed, …" (withdrawDigitisedForFailingCheck in
// server/archives/archives.ts) — and is worded here again from its material and codes.
import { zh } from '../i18n/zh.ts';
import { en } from '../i18n/en.ts';
import { fill } from '../i18n/fill.ts';
import { listOf } from './punct.ts';

type Locale = 'zh' | 'en';

const AUTO_BACK = /^扫描质检未通过，自动退回：材料 ([0-9-]+)（([A-Z_、]+)）/;

export function digitalNoteText(locale: Locale, note: string | null): string | null {
  const m = note === null ? null : AUTO_BACK.exec(note);
  if (!m) return note;
  const dict = locale === 'zh' ? zh : en;
  const problems = m[2].split('、').map((code) => (dict.digital.problems as Record<string, string>)[code] ?? code);
  return fill(dict.digital.autoBack, { seq: m[1], problems: listOf(locale, problems) });
}
