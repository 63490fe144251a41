// Dates and durations the Chinese way, always in Asia/Shanghai whatever the browser's zone:
// 2026年11月2日 09:00; "3 天后到期", "已逾期 5 小时". Instants come from the server as ISO UTC.
import { i18n } from '../i18n/index.svelte.ts';

export const ZONE = 'Asia/Shanghai';

const formatters = new Map<string, Intl.DateTimeFormat>();
function fmt(locale: string, opts: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = locale + JSON.stringify(opts);
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone: ZONE, ...opts })));
  return f;
}

const loc = () => (i18n.locale === 'zh' ? 'zh-CN' : 'en-GB');

export function formatDate(iso: string | number | Date | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '';
  return fmt(loc(), { year: 'numeric', month: i18n.locale === 'zh' ? 'long' : 'short', day: 'numeric' }).format(new Date(iso));
}

export function formatTime(iso: string | number | Date): string {
  return fmt(loc(), { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

export function formatDateTime(iso: string | number | Date | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '';
  return `${formatDate(iso)} ${formatTime(iso)}`;
}

/** Compact for lists: "10月28日 09:00" within the current year (by the server's clock), else in full. */
export function formatShortDateTime(iso: string | null | undefined, now: number): string {
  if (!iso) return '';
  const year = (d: number | string) => fmt('en-GB', { year: 'numeric' }).format(new Date(d));
  if (year(iso) !== year(now)) return formatDateTime(iso);
  const day = fmt(loc(), { month: i18n.locale === 'zh' ? 'long' : 'short', day: 'numeric' }).format(new Date(iso));
  return `${day} ${formatTime(iso)}`;
}

/** A calendar date 'YYYY-MM-DD' (no zone: it is a day, not an instant). */
export function formatCalendarDate(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  if (!m) return ymd;
  return i18n.locale === 'zh' ? `${Number(m[1])}年${Number(m[2])}月${Number(m[3])}日` : ymd;
}

/** "3 天 4 小时", "5 小时", "20 分钟": the two largest units of a duration. */
export function formatDuration(ms: number): string {
  const abs = Math.abs(ms);
  const days = Math.floor(abs / 86_400_000);
  const hours = Math.floor((abs % 86_400_000) / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const t = i18n.t;
  if (days > 0) return hours > 0 && days < 10 ? `${t('time.days', { n: days })} ${t('time.hours', { n: hours })}` : t('time.days', { n: days });
  if (hours > 0) return t('time.hours', { n: hours });
  if (minutes > 0) return t('time.minutes', { n: minutes });
  return t('time.lessThanMinute');
}

/** "2 天后到期" or "已逾期 5 小时", measured against the server's clock. */
export function dueText(dueAt: string | null, now: number): string {
  if (!dueAt) return i18n.t('due.noDate');
  const ms = new Date(dueAt).getTime() - now;
  return ms >= 0 ? i18n.t('due.dueIn', { time: formatDuration(ms) }) : i18n.t('due.overdueBy', { time: formatDuration(ms) });
}

export function formatBytes(n: number): string {
  if (n >= 1048576) return `${(n / 1048576).toFixed(n >= 10485760 ? 0 : 1)} MB`;
  if (n >= 1024) return `${Math.round(n / 1024)} KB`;
  return `${n} B`;
}
