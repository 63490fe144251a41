// Notices as engine services: a diagram's service task `${environment.services.NAME}` enqueues a
// notice in the command's transaction. A builder says which template, to whom (user ids, or a role
// within an org unit — resolved against the directory, never an address) and with which values;
// the spec is validated, so a process that hands over anything else fails loudly instead of mailing.
import { z } from '../http/zod.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { ServiceContext, ServiceRegistry } from '../engine/types.ts';
import { ALL_ROLES } from '../http/policy.ts';
import { NOTICE_EVENTS, oneLine, type LinkSpec, type NoticeEvent } from './templates.ts';
import { caseRefOf, type NotifyService, type RecipientSpec, type VarValue } from './service.ts';
import * as store from './store.ts';

export interface NoticeRequest {
  template: NoticeEvent;
  recipients: RecipientSpec[];
  vars?: Record<string, VarValue>;
  /** Default: the case's page, `/applications/<instanceId>`. */
  link?: LinkSpec;
}

export type NoticeBuilder = (ctx: ServiceContext) => NoticeRequest | Promise<NoticeRequest>;

const text = z.string().max(300);
const request = z
  .object({
    template: z.enum(NOTICE_EVENTS),
    recipients: z
      .array(
        z.union([
          z.object({ userId: z.number().int().positive() }).strict(),
          z.object({ role: z.enum(ALL_ROLES), orgUnitId: z.number().int().positive().nullable() }).strict(),
        ]),
      )
      .min(1)
      .max(20),
    vars: z.record(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,39}$/), z.union([text, z.number(), z.object({ zh: text, en: text }).strict()])).optional(),
    link: z
      .union([
        z.object({ task: z.string().uuid() }).strict(),
        z.object({ application: z.string().uuid() }).strict(),
        z.object({ deadlines: z.literal(true) }).strict(),
        z.object({ inbox: z.literal(true) }).strict(),
      ])
      .optional(),
  })
  .strict();

/** processName and caseRef of the calling case: every notice template names the case. */
export async function caseVars(ctx: ServiceContext): Promise<{ processName: string; caseRef: string }> {
  const info = await store.caseInfo(ctx.trx, ctx.instanceId);
  return { processName: oneLine(info?.process_name ?? ctx.processKey), caseRef: caseRefOf(ctx.instanceId, ctx.businessKey ?? info?.business_key) };
}

/**
 * Registers engine service `name` that enqueues the notice `build` describes. Each call is its own
 * notice (a repeating chase timer mails each time); the key ties it to the case, the step and the
 * instant, so the same command cannot write it twice.
 */
export function registerNotice(registry: ServiceRegistry, notify: NotifyService, name: string, build: NoticeBuilder): void {
  registry.register(name, async (ctx) => {
    const parsed = request.safeParse(await build(ctx));
    if (!parsed.success) {
      throw errors.validation(
        parsed.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
        `通知 ${name} 的参数不正确 / Notice ${name} was given invalid values`,
      );
    }
    const spec = parsed.data;
    const result = await notify.notify(ctx.trx, {
      event: spec.template,
      recipients: spec.recipients,
      vars: { ...(await caseVars(ctx)), ...(spec.vars ?? {}) },
      link: spec.link ?? { application: ctx.instanceId },
      instanceId: ctx.instanceId,
      key: `notice:${name}:${ctx.instanceId}:${ctx.elementId}:${iso(ctx.clock.now())}`,
    });
    if (result.queued + result.held + result.muted + result.refused + result.already === 0) {
      // Nobody holds the role there. Not fatal to the case (the 督办 list still shows the deadline),
      // but a gap in the office's set-up that the operator must see.
      notify.log?.warn({ service: name, template: spec.template, instanceId: ctx.instanceId }, 'notice reached no one');
    }
  });
}
