// What the 回避管理 console checks before it asks the server, by the server's own rules
// (server/access/routes.ts): a cadre named by an 18-character ID number (17 digits, then a digit
// or X), a reason for adding of 2–200 characters, a reason for lifting of 2–500. The server
// checks again and has the last word (an unknown ID number, an entry already in force).
import type { ApiRoutes } from '../../../api/types.ts';

export type AvoidanceEntry = ApiRoutes['GET /api/avoidance-entries']['response'][number];

export const ADD_REASON_MIN = 2;
export const ADD_REASON_MAX = 200;
export const LIFT_REASON_MIN = 2;
export const LIFT_REASON_MAX = 500;

const ID_NUMBER = /^\d{17}[\dX]$/;

/** The ID number as typed, without spaces and with a small x made capital; null unless it has the server's form. */
export function normaliseIdNumber(typed: string): string | null {
  const id = typed.replace(/\s+/g, '').toUpperCase();
  return ID_NUMBER.test(id) ? id : null;
}

/**
 * Why a reason would be refused ('short' | 'long'), or null when it will do. Counted after trimming
 * and in UTF-16 units, as zod's min/max on the server count.
 */
function reasonProblem(reason: string, min: number, max: number): 'short' | 'long' | null {
  const n = reason.trim().length;
  if (n < min) return 'short';
  if (n > max) return 'long';
  return null;
}

export const addReasonProblem = (reason: string) => reasonProblem(reason, ADD_REASON_MIN, ADD_REASON_MAX);
export const liftReasonProblem = (reason: string) => reasonProblem(reason, LIFT_REASON_MIN, LIFT_REASON_MAX);

/**
 * How a cadre is named to the security administrator: by the 档案号 and the masked ID number
 * (档案号 ZZB-0001，身份证号 150302********123X) — never by name.
 */
export function cadreLabel(e: Pick<AvoidanceEntry, 'archiveNo' | 'cadreIdNumber'>, tx: (key: 'cadreLabel' | 'cadreLabelNoArchive', params: Record<string, string>) => string): string {
  return e.archiveNo ? tx('cadreLabel', { no: e.archiveNo, n: e.cadreIdNumber }) : tx('cadreLabelNoArchive', { n: e.cadreIdNumber });
}

/** The users who have entries in force, by username, with how many each (the list's filter). */
export function usersOf(entries: AvoidanceEntry[]): Array<{ userId: number; username: string; n: number }> {
  const by = new Map<number, { userId: number; username: string; n: number }>();
  for (const e of entries) {
    const u = by.get(e.userId) ?? { userId: e.userId, username: e.username, n: 0 };
    u.n += 1;
    by.set(e.userId, u);
  }
  return [...by.values()].sort((a, b) => a.username.localeCompare(b.username));
}
