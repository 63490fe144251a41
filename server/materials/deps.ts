// What the material-collection services need, and small helpers they share: the caller as an
// audit actor, Beijing calendar days, typed process variables, the 规避 check on a worker.
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { AppError, errors, notFoundMessage } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { AccessRules } from '../access/rules.ts';
import type { ArchivesService } from '../archives/service.ts';
import type { WorkflowEngine } from '../engine/index.ts';
import type { Actor, ServiceContext } from '../engine/types.ts';
import type { DeadlineService } from '../deadlines/service.ts';
import type { Q } from '../db.ts';
import type { IntakeScans } from './scans.ts';

export interface MaterialsDeps {
  db: Db;
  clock: Clock;
  audit: AuditLog;
  access: AccessRules;
  archives: ArchivesService;
  engine: WorkflowEngine;
  deadlines: DeadlineService;
  scans: IntakeScans;
}

/** The acting user of a service task; every step of these processes is done by someone. */
export function actorOf(ctx: ServiceContext): Actor {
  if (!ctx.actor) throw errors.rule('process_actor', '此步骤须由用户办理 / This step must be done by a user', { service: ctx.elementId });
  return ctx.actor;
}

/** 'YYYY-MM-DD' plus n calendar days. */
export function addCalendarDays(day: string, n: number): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d + n)).toISOString().slice(0, 10);
}

// Moved next to the other Beijing-day helpers (转递 counts months too); re-exported for materials.
export { addCalendarMonths } from '../notify/beijing.ts';

export const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v.trim() : null);

/** An integer process variable the case's own start service set; a missing one is a broken diagram. */
export function idVar(ctx: ServiceContext, name: string): number {
  const v = ctx.variables[name];
  if (typeof v === 'number' && Number.isInteger(v) && v > 0) return v;
  throw errors.rule('process_variable', `流程变量 ${name} 缺失 / Process variable ${name} is missing`, { service: ctx.elementId, variables: [name] });
}

/**
 * 规避: nobody works on the material or record of themselves, a relative or a cadre on their
 * avoidance list (DOMAIN.md §1.5). The task is offered to the whole group; completing it is
 * refused for such a worker, so a colleague takes it.
 */
export async function assertNotAvoided(q: Q, access: AccessRules, actor: Actor, cadreId: number): Promise<void> {
  const relation = await access.relationTo(q, actor.id, cadreId);
  if (relation) {
    throw errors.rule('avoidance', '本人、亲属或规避对象的事项须由其他人员办理 / Someone else must handle matters of yourself, a relative or a cadre you must avoid', { relation });
  }
}

/**
 * Opening a case on a cadre the starter must avoid (self, a relative, the avoidance list) answers
 * exactly as a cadre that does not exist: 404 NOT_FOUND 未找到该干部, no details — a 422 naming the
 * avoidance told the starter that cadre 15 exists and is on their list. `rule` is not sent; the
 * start (WorkflowService.start) audits the refusal as a denied instance.start with it.
 */
export class AvoidedCadre extends AppError {
  readonly rule = 'avoidance';
  constructor(readonly relation: string) {
    super(404, 'NOT_FOUND', notFoundMessage('Cadre'));
  }
}

/** The 规避 check of a start service: refused as absent (AvoidedCadre). */
export async function assertStartNotAvoided(q: Q, access: AccessRules, actor: Actor, cadreId: number): Promise<void> {
  const relation = await access.relationTo(q, actor.id, cadreId);
  if (relation) throw new AvoidedCadre(relation);
}
