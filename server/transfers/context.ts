// What the transfer services share: their dependencies, and small helpers over the engine's service
// context (the order of the calling case, the acting user as the archive domain names actors).
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import type { AuditLog } from '../audit/service.ts';
import type { WorkflowEngine } from '../engine/index.ts';
import type { ServiceContext } from '../engine/types.ts';
import { ProcessError } from '../engine/run.ts';
import type { ArchivesService } from '../archives/service.ts';
import type { AccessRules } from '../access/rules.ts';
import type { NotifyService } from '../notify/service.ts';
import { errors } from '../errors.ts';
import * as people from '../people/store.ts';
import * as store from './store.ts';

export interface TransferDeps {
  db: Db;
  clock: Clock;
  config: Pick<Config, 'params' | 'transfers'>;
  audit: AuditLog;
  archives: ArchivesService;
  access: AccessRules;
  notify: NotifyService;
  /** The engine is built after the services are registered with it: reached lazily. */
  engine: () => WorkflowEngine;
}

/** The order of the calling case, locked for the rest of the command. */
export async function orderOf(ctx: ServiceContext): Promise<store.OrderRow> {
  const order = await store.orderOfInstance(ctx.trx, ctx.instanceId);
  if (!order) throw new ProcessError(`流程 ${ctx.instanceId} 没有转递单 / The case has no transfer order`);
  return order;
}

/** The acting user as the archive domain records actors (null when a timer fired the step). */
export async function actorRef(ctx: ServiceContext) {
  if (!ctx.actor) return null;
  const u = await people.findUser(ctx.trx, ctx.actor.id);
  return { id: ctx.actor.id, username: ctx.actor.username, displayName: u?.display_name };
}

/** The caller's own office, which must hold archives (管档单位). */
export async function ownOffice(ctx: ServiceContext) {
  const office = ctx.actor ? await people.findOrgUnit(ctx.trx, ctx.actor.orgUnitId) : undefined;
  if (!office?.is_custodian) {
    throw errors.rule('custodian_office', '只有管档单位的档案管理员可以办理转递 / Only archivists of an archive office handle transfers');
  }
  return office;
}

/** A required text variable, trimmed; the rule names it when missing. */
export function text(ctx: ServiceContext, name: string, rule: string, what: string): string {
  const v = ctx.variables[name];
  const s = typeof v === 'string' ? v.trim() : '';
  if (!s) throw errors.rule(rule, `${what}不能为空 / ${name} is required`, { field: name });
  return s;
}

export const optText = (v: unknown, max: number): string | null => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : null);
