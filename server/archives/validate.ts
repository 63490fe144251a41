// Field checks shared by the API schemas, the import and updateCadreField: calendar dates,
// 18-digit ID numbers (GB 11643 check digit) and the order of a cadre's life dates.

/** A real calendar date 'YYYY-MM-DD' (rejects 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3] && +m[1] >= 1900;
}

/** 'YYYYMMDD', 'YYYY-MM-DD', 'YYYY.MM.DD' or 'YYYY/MM/DD' → 'YYYY-MM-DD', or null. */
export function normaliseDate(s: string): string | null {
  const t = s.trim();
  const m = /^(\d{4})[-./]?(\d{2})[-./]?(\d{2})$/.exec(t);
  if (!m) return null;
  const d = `${m[1]}-${m[2]}-${m[3]}`;
  return isCalendarDate(d) ? d : null;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idCheckDigit(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

/** The birth date written inside an 18-digit ID number, 'YYYY-MM-DD' (not checked). */
export const idNumberBirthDate = (id: string): string => `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;

/**
 * Problems with an ID number (公民身份号码): empty when it is well-formed and consistent. Without a
 * `birthDate` the date inside is not compared (a birth date settled by 认定 may differ from it).
 */
export function idNumberProblems(id: string, birthDate?: string, gender?: string): string[] {
  if (!/^\d{17}[\dX]$/.test(id)) return ['身份证号应为18位（末位可为X） / must be 18 characters, digits with an optional final X'];
  const out: string[] = [];
  if (idCheckDigit(id.slice(0, 17)) !== id[17]) out.push('身份证号校验位不正确 / check digit does not match');
  if (birthDate && idNumberBirthDate(id) !== birthDate) out.push('身份证号中的出生日期与出生日期不一致 / the birth date in the ID number differs from the birth date');
  if (gender && String(Number(id[16]) % 2 === 1 ? '1' : '2') !== gender) {
    out.push('身份证号中的性别与性别不一致 / the gender digit of the ID number differs from the gender');
  }
  return out;
}

export interface LifeDates {
  birth_date: string;
  work_start_date?: string | null;
  party_join_date?: string | null;
}

/**
 * The order a real archive shows: born before starting work or joining the Party, and at least
 * 14 at either (a 工作/入党 date before that is a data error, the kind 专项审核 looks for).
 */
export function lifeDateProblems(d: LifeDates, today: string): Array<{ field: string; problem: string }> {
  const out: Array<{ field: string; problem: string }> = [];
  const plus14 = `${String(Number(d.birth_date.slice(0, 4)) + 14).padStart(4, '0')}${d.birth_date.slice(4)}`;
  if (d.birth_date > today) out.push({ field: 'birth_date', problem: '出生日期晚于今天 / birth date is in the future' });
  for (const field of ['work_start_date', 'party_join_date'] as const) {
    const v = d[field];
    if (!v) continue;
    if (v > today) out.push({ field, problem: '日期晚于今天 / date is in the future' });
    else if (v < plus14) out.push({ field, problem: '日期早于出生后14周岁 / date is before the 14th birthday' });
  }
  return out;
}
