// Beijing time (Asia/Shanghai, UTC+8 all year, no daylight saving) for what people read and plan by:
// dates and times in mails, the digest hour, and deadlines given as a calendar day.
const OFFSET_MS = 8 * 3_600_000;
const DAY_MS = 86_400_000;

const pad = (n: number) => String(n).padStart(2, '0');

/** '2026-11-09 09:00' in Beijing time ('2026-11-09 09:00:05' with `seconds`); '' for nothing or garbage. */
export function formatInstant(value: string | Date | null | undefined, { seconds = false }: { seconds?: boolean } = {}): string {
  if (!value) return '';
  const t = new Date(value).getTime();
  if (Number.isNaN(t)) return '';
  const b = new Date(t + OFFSET_MS);
  return `${beijingDay(new Date(t))} ${pad(b.getUTCHours())}:${pad(b.getUTCMinutes())}${seconds ? `:${pad(b.getUTCSeconds())}` : ''}`;
}

/** The calendar day in Beijing, 'YYYY-MM-DD'. */
export function beijingDay(d: Date): string {
  const b = new Date(d.getTime() + OFFSET_MS);
  return `${b.getUTCFullYear()}-${pad(b.getUTCMonth() + 1)}-${pad(b.getUTCDate())}`;
}

/** The next time it is `hour`:00 in Beijing, strictly after `now`. */
export function nextDigestAt(now: Date, hour: number): Date {
  const b = new Date(now.getTime() + OFFSET_MS);
  let at = Date.UTC(b.getUTCFullYear(), b.getUTCMonth(), b.getUTCDate(), hour) - OFFSET_MS;
  if (at <= now.getTime()) at += DAY_MS;
  return new Date(at);
}

/** The last millisecond of a Beijing calendar day: a deadline "by 2026-12-01" is met on that day. */
export function endOfBeijingDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + 1) - OFFSET_MS - 1);
}

/** The first millisecond of a Beijing calendar day. */
export const startOfBeijingDay = (day: string): Date => new Date(endOfBeijingDay(day).getTime() + 1 - DAY_MS);

/**
 * 'YYYY-MM-DD' plus n calendar months, as 民法典 第二百零二条 counts a period in months (材料移交
 * "1个月内", 转递 and 审核入库 "2个月内", DOMAIN.md §1.2, §1.3): the corresponding day of the target
 * month (30 April + 2 → 30 June); a day the target month lacks gives its last day (31 December + 2 →
 * 28/29 February). Plain calendar arithmetic: pass a Beijing day (beijingDay) to count Beijing days.
 */
export function addCalendarMonths(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  const lastOf = (year: number, month0: number) => new Date(Date.UTC(year, month0 + 1, 0)).getUTCDate();
  const target = new Date(Date.UTC(y, m - 1 + n, 1));
  target.setUTCDate(Math.min(d, lastOf(target.getUTCFullYear(), target.getUTCMonth())));
  return target.toISOString().slice(0, 10);
}
