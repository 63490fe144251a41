// Small pieces the request services share: the case's request row, time arithmetic in Beijing
// days, timer durations measured by the service clock, and the labels of modes and kinds.
import { iso } from '../clock.ts';
import { ProcessError } from '../engine/run.ts';
import type { ServiceContext } from '../engine/types.ts';
import { beijingDay, endOfBeijingDay, startOfBeijingDay } from '../notify/beijing.ts';
import * as store from './store.ts';
import type { RequestRow } from './store.ts';

export const MODES: Record<string, string> = { electronic: '电子查阅', onsite: '现场查阅', loan: '借出纸质档案' };
export const KINDS: Record<string, string> = { copy: '复制', extract: '摘录' };

/** The case's request, locked for the command (every step of a case changes it). */
export async function requestOf(ctx: ServiceContext): Promise<RequestRow> {
  const row = await store.lockRequestOfInstance(ctx.trx, ctx.instanceId);
  if (!row) {
    throw new ProcessError(
      `案件 ${ctx.instanceId} 没有对应的查借阅或复制申请：此服务只能用于查阅/借阅、复制/摘录流程 / No request belongs to case ${ctx.instanceId}: this service works only in the borrowing and copying processes`,
    );
  }
  return row;
}

/**
 * The approvers' 意见说明 (`comment`) ends with the approval. A later form has its own optional 说明
 * under the same key; left empty there, the variable would still hold the approver's words and the
 * 查阅登记簿 or the 处置说明 would record them as the reader's. Returned by the service that records
 * the approval, so the next step starts without a comment.
 */
export const APPROVERS_WORDS_END = { comment: null };

export const actorRef = (ctx: ServiceContext) => (ctx.actor ? { id: ctx.actor.id, username: ctx.actor.username } : null);

/** 'YYYY-MM-DD' plus n calendar days. */
export function plusDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}


/** A Beijing day and 'HH:MM' as an instant. */
export function beijingTime(day: string, hhmm: string): Date {
  const [h, m] = hhmm.split(':').map(Number);
  return new Date(startOfBeijingDay(day).getTime() + (h * 60 + m) * 60_000);
}

export { beijingDay, endOfBeijingDay, startOfBeijingDay };

/**
 * A timer's duration until `at`, by the service clock. The diagrams' timers use durations, not
 * dates: bpmn-elements compares a timeDate with the machine's wall clock, whereas a duration is
 * turned into a job due at (service clock + duration) by the engine (server/engine/run.ts).
 */
export function durationUntil(now: Date, at: Date | string): string {
  const ms = new Date(at).getTime() - now.getTime();
  return `PT${Math.max(0, Math.ceil(ms / 1000))}S`;
}

/** 09:00 Beijing on the day before the due day (or now, when that has passed): the loan reminder. */
export function reminderAt(now: Date, dueAt: Date): Date {
  const dueDay = beijingDay(new Date(dueAt.getTime()));
  const at = new Date(startOfBeijingDay(plusDays(dueDay, -1)).getTime() + 9 * 3_600_000);
  return at.getTime() < now.getTime() ? now : at;
}

/** The loan's due instant and the durations of its reminder and overdue timers. */
export function loanTimers(now: Date, dueAt: Date | string) {
  const due = new Date(dueAt);
  return { loanDueAt: iso(due), loanRemindIn: durationUntil(now, reminderAt(now, due)), loanDueIn: durationUntil(now, due) };
}

export const isDay = (v: unknown): v is string => typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));

export const today = (now: Date): string => beijingDay(new Date(now.getTime()));

/**
 * The day the applicants planned to read on (view_from, 现场查阅 and 电子查阅) lies before today in
 * Beijing: approved now, nobody can read on it. One rule for the approval mail (borrowing.ts) and the
 * approvers' task page (records.ts, `plannedDayPassed`).
 */
export const plannedDayPassed = (viewFrom: string | null | undefined, now: Date): boolean => !!viewFrom && viewFrom < today(now);

/** One line, at most n characters: the subject lists show. */
export const short = (s: unknown, n = 40): string => {
  const t = String(s ?? '').replace(/\s+/g, ' ').trim();
  return t.length > n ? `${t.slice(0, n)}…` : t;
};

