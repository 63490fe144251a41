// Dates as words, for a locale given explicitly (dates.ts passes the UI's): always in Asia/Shanghai
// whatever the browser's zone. Chinese: 2026年11月27日 16:00; English: 27 Nov 2026, 16:00. Pure,
// so that node tests run it without the UI's reactive state.

export type DateLocale = 'zh' | 'en';

export const ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: DateLocale, opts: Intl.DateTimeFormatOptions, zone = ZONE): Intl.DateTimeFormat {
  const key = locale + zone + JSON.stringify(opts);
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale === 'zh' ? 'zh-CN' : 'en-GB', { timeZone: zone, ...opts })));
  return f;
}

type Instant = string | number | Date;
const blank = (v: unknown): v is null | undefined | '' => v === null || v === undefined || v === '';
const valid = (d: Date) => !Number.isNaN(d.getTime());
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The day of an instant: 2026年11月27日 / 27 Nov 2026. */
export function dateText(locale: DateLocale, iso: Instant | null | undefined): string {
  if (blank(iso)) return '';
  const d = new Date(iso);
  if (!valid(d)) return String(iso);
  return fmt(locale, { year: 'numeric', month: locale === 'zh' ? 'long' : 'short', day: 'numeric' }).format(d);
}

/** 16:00, on the 24-hour clock. */
export function timeText(locale: DateLocale, iso: Instant): string {
  return fmt(locale, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** 2026年11月27日 16:00 / 27 Nov 2026, 16:00. A bare day (2026-11-27) is shown as the day alone. */
export function dateTimeText(locale: DateLocale, iso: Instant | null | undefined): string {
  if (blank(iso)) return '';
  if (typeof iso === 'string' && DAY.test(iso)) return calendarDateText(locale, iso);
  const d = new Date(iso);
  if (!valid(d)) return String(iso);
  return `${dateText(locale, d)}${locale === 'zh' ? ' ' : ', '}${timeText(locale, d)}`;
}

/** Compact for lists: 10月28日 09:00 / 28 Oct, 09:00 within the year of `now`, else in full. */
export function shortDateTimeText(locale: DateLocale, iso: string | null | undefined, now: number): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (!valid(d)) return iso;
  const year = (x: Date | number) => fmt('en', { year: 'numeric' }).format(x);
  if (year(d) !== year(now)) return dateTimeText(locale, d);
  const day = fmt(locale, { month: locale === 'zh' ? 'long' : 'short', day: 'numeric' }).format(d);
  return `${day}${locale === 'zh' ? ' ' : ', '}${timeText(locale, d)}`;
}

/**
 * A calendar date 'YYYY-MM-DD' — a day, not an instant, so no zone shifts it: 2026年11月27日 /
 * 27 Nov 2026. An instant given instead (a form's date field filled by a process) shows its day in
 * Beijing; anything else is shown as it is.
 */
export function calendarDateText(locale: DateLocale, ymd: string | null | undefined): string {
  if (blank(ymd)) return '';
  const m = DAY.exec(ymd);
  if (!m) return valid(new Date(ymd)) && /^\d{4}-\d{2}-\d{2}T/.test(ymd) ? dateText(locale, ymd) : ymd;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (locale === 'zh') return `${y}年${mo}月${d}日`;
  const day = new Date(Date.UTC(y, mo - 1, d));
  if (!valid(day) || day.getUTCDate() !== d) return ymd;
  return fmt(locale, { year: 'numeric', month: 'short', day: 'numeric' }, 'UTC').format(day);
}

/** An instant as the value of an <input type="datetime-local">, in Beijing time: 2026-11-27T16:00. */
export function localInputValue(iso: unknown): string {
  if (typeof iso !== 'string' || !iso) return '';
  // Written by the form itself (…+08:00) or typed without a zone: already Beijing wall time.
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(\+08:00)?$/.test(iso)) return iso.slice(0, 16);
  const d = new Date(iso);
  if (!valid(d)) return '';
  const parts = Object.fromEntries(
    fmt('en', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(d)
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`;
}
