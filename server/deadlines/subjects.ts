// What a 督办 row is about, when the system writes it: a code and its values, rendered in the
// reader's language — here for mails and the stored Chinese fallback, in the client's i18n
// (`deadlines.subjects.<code>`) for the page. The values are case numbers, counts and a campaign's
// title (typed by its chief: shown as typed); never record content.
import { z } from '../http/zod.ts';
import type { Lang } from '../notify/templates.ts';

type P = Record<string, string>;

export const DEADLINE_SUBJECTS = {
  loan: { zh: (p: P) => `查阅/借阅干部人事档案 ${p.caseNo}`, en: (p: P) => `Reading or loan of a cadre archive ${p.caseNo}` },
  digitisation_out: { zh: (p: P) => `数字化出库 ${p.caseNo}（${p.count} 份）`, en: (p: P) => `Out for digitisation ${p.caseNo} (${p.count} ${p.count === '1' ? 'archive' : 'archives'})` },
  digitisation_missing: { zh: (p: P) => `数字化出库 ${p.caseNo}（${p.count} 份未回库）`, en: (p: P) => `Out for digitisation ${p.caseNo} (${p.count} ${p.count === '1' ? 'archive' : 'archives'} not back)` },
  review_campaign: { zh: (p: P) => `专项审核 ${p.title}（${p.count} 卷）`, en: (p: P) => `Review campaign ${p.title} (${p.count} ${p.count === '1' ? 'archive' : 'archives'})` },
} as const;

export type DeadlineSubjectCode = keyof typeof DEADLINE_SUBJECTS;
export const DEADLINE_SUBJECT_CODES = Object.keys(DEADLINE_SUBJECTS) as [DeadlineSubjectCode, ...DeadlineSubjectCode[]];

/** A subject the system writes. */
export interface CodedSubject {
  code: DeadlineSubjectCode;
  params: Record<string, string | number>;
}

export const subjectParamsSchema = z.record(z.string(), z.string());

/** The values as stored: strings, each on one line. */
export function paramsOf(params: Record<string, string | number>): P {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v).replace(/[\s\x00-\x1f\x7f]+/g, ' ').trim().slice(0, 100)]));
}

/** The stored row's code and values, when it has a code this version knows (else null: show `subject`). */
export function codedOf(row: { subject_code?: string | null; subject_params?: string | null }): { code: DeadlineSubjectCode; params: P } | null {
  if (!row.subject_code || !(row.subject_code in DEADLINE_SUBJECTS) || !row.subject_params) return null;
  try {
    const parsed = subjectParamsSchema.safeParse(JSON.parse(row.subject_params));
    return parsed.success ? { code: row.subject_code as DeadlineSubjectCode, params: parsed.data } : null;
  } catch {
    return null;
  }
}

/** A deadline's subject in `lang`: rendered from its code, or the text it stored (rows from before codes). */
export function subjectIn(row: { subject: string; subject_code?: string | null; subject_params?: string | null }, lang: Lang): string {
  const c = codedOf(row);
  return c ? DEADLINE_SUBJECTS[c.code][lang](c.params) : row.subject;
}
