// The note of a digitisation history row (数字化记录) in the user's language. A move a person made
// carries their own words, shown as written. A move back the scan check made on its own comes with
// its material and findings (`autoBack`, server/archives/digital-note.ts) and is worded here.
import { zh } from '../i18n/zh.ts';
import { en } from '../i18n/en.ts';
import { fill } from '../i18n/fill.ts';
import { listOf } from './punct.ts';

type Locale = 'zh' | 'en';

export interface DigitalNote {
  note: string | null;
  autoBack: { seqNo: string; codes: string[] } | null;
}

export function digitalNoteText(locale: Locale, { note, autoBack }: DigitalNote): string | null {
  if (!autoBack) return note;
  const dict = locale === 'zh' ? zh : en;
  const problems = autoBack.codes.map((code) => (dict.digital.problems as Record<string, string>)[code] ?? code);
  return fill(dict.digital.autoBack, { seq: autoBack.seqNo, problems: listOf(locale, problems) });
}
