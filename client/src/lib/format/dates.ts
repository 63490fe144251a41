// Dates and durations in the UI's language, always in Asia/Shanghai whatever the browser's zone:
// 2026年11月2日 09:00 / 2 Nov 2026, 09:00; "3 天后到期", "已逾期 5 小时". Instants come from the
// server as ISO UTC. The words themselves are date-text.ts's; every page prints dates through here.
import { i18n } from '../i18n/index.svelte.ts';
import { calendarDateText, dateText, dateTimeText, shortDateTimeText, timeText } from './date-text.ts';

export { ZONE, localInputValue } from './date-text.ts';

const locale = () => i18n.locale;

export function formatDate(iso: string | number | Date | null | undefined): string {
  return dateText(locale(), iso);
}

export function formatTime(iso: string | number | Date): string {
  return timeText(locale(), iso);
}

/** 2026年11月27日 16:00 / 27 Nov 2026, 16:00. */
export function formatDateTime(iso: string | number | Date | null | undefined): string {
  return dateTimeText(locale(), iso);
}

/** Compact for lists: "10月28日 09:00" within the current year (by the server's clock), else in full. */
export function formatShortDateTime(iso: string | null | undefined, now: number): string {
  return shortDateTimeText(locale(), iso, now);
}

/** A calendar date 'YYYY-MM-DD' (no zone: it is a day, not an instant): 2026年11月27日 / 27 Nov 2026. */
export function formatCalendarDate(ymd: string | null | undefined): string {
  return calendarDateText(locale(), ymd);
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
