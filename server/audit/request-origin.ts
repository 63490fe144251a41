// Where the request that is being served came from: its address and its user, for the audit rows
// written while serving it. Many rows are written deep inside a domain (a workflow service task —
// 材料登记, 接收鉴别, 整理归档 — runs in the engine, which knows no request): without this their
// `ip` stayed empty. The HTTP layer runs each handler inside withRequestOrigin; AuditLog.record
// takes the address from here for a row that names no `ip` of its own and whose actor is the
// request's user. Rows of the system (a timer, a job, a mail worker: no actor) and rows of another
// actor never borrow it; an explicit `ip: null` stays null.
import { AsyncLocalStorage } from 'node:async_hooks';

export interface RequestOrigin {
  ip: string | null;
  userId: number | null;
}

const origin = new AsyncLocalStorage<RequestOrigin>();

export const withRequestOrigin = <T>(o: RequestOrigin, fn: () => T): T => origin.run(o, fn);

/** The address of the request being served by this actor, if any. */
export function requestIpFor(actorId: number | null | undefined): string | null {
  const o = origin.getStore();
  return o && actorId != null && o.userId === actorId ? o.ip : null;
}
