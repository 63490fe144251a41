// Calendar days of 转递 in Beijing time (the day a slip was sent, "today" for the checks that no date
// lies in the future) and the wait of a timer that must fire at a computed instant.
import { beijingDay } from '../notify/beijing.ts';
import { isCalendarDate } from '../archives/validate.ts';

export { beijingDay };

/** A real calendar day written YYYY-MM-DD (2026-02-30 is not). */
export const isDay = (s: unknown): s is string => typeof s === 'string' && isCalendarDate(s);

/** The Beijing calendar day of an instant given as text or Date. */
export const dayOf = (at: Date | string): string => beijingDay(new Date(at));

/**
 * An ISO duration from `now` to `due` in seconds to the millisecond (never negative), for a timer the
 * engine measures from the service clock (engine/timer-definition.ts gives timers that clock).
 */
export const secondsUntil = (now: Date, due: Date): string => `PT${(Math.max(0, due.getTime() - now.getTime()) / 1000).toFixed(3)}S`;
