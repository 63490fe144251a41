// Input and output shapes of the auditor's console.
import { z, paging } from '../http/zod.ts';

/** An instant in a query: any ISO-8601 date-time, normalised to the stored UTC text. */
const instant = z
  .string()
  .refine((v) => /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:?\d{2})?)?$/.test(v) && !Number.isNaN(Date.parse(v)), 'an ISO-8601 date or date-time')
  .transform((v) => new Date(v).toISOString());

export const auditFilterQuery = z
  .object({
    actor: z.string().trim().min(1).max(100).optional().openapi({ description: "The user: username or display name, whole, in any letter case (a typed username of a failed login too)" }),
    actorId: z.coerce.number().int().positive().optional(),
    role: z.string().regex(/^[a-z_]{2,40}$/).optional().openapi({ description: 'Rows written by a holder of this role' }),
    action: z
      .string()
      .regex(/^[a-z_.]{1,64}\*?$/, '操作名如 auth.login，或前缀如 auth.* / an action such as auth.login, or a prefix such as auth.*')
      .optional(),
    objectType: z.string().min(1).max(40).optional(),
    objectId: z.string().min(1).max(64).optional(),
    outcome: z.enum(['success', 'failure', 'denied']).optional(),
    from: instant.optional().openapi({ description: 'Inclusive lower bound of the time, ISO-8601' }),
    to: instant.optional().openapi({ description: 'Exclusive upper bound of the time, ISO-8601' }),
    maxSeq: z.coerce
      .number()
      .int()
      .nonnegative()
      .optional()
      .openapi({ description: "Only rows up to this seq. Pass the first page's maxSeq when paging, so that new rows (each search is itself audited) do not shift the pages." }),
  })
  .strict();

export const auditSearchQuery = auditFilterQuery
  .extend({
    ...paging,
  })
  .strict();

export const auditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actorId: z.number().int().nullable(),
    actor: z.string().nullable(),
    role: z.string().nullable(),
    ip: z.string().nullable(),
    action: z.string(),
    objectType: z.string().nullable(),
    objectId: z.string().nullable(),
    orgUnitId: z.number().int().nullable(),
    outcome: z.string(),
    detail: z.record(z.string(), z.unknown()).nullable(),
    names: z
      .object({
        actor: z.string().nullable().openapi({ description: "The actor's display name" }),
        orgUnit: z.string().nullable().openapi({ description: "The org unit's name" }),
        object: z.string().nullable().openapi({ description: 'What the object stands for: a name, a case number' }),
        detail: z.record(z.string(), z.string()).openapi({ description: 'Detail key → the name of the id it holds (userId, cadreId, instanceId …)' }),
      })
      .openapi({ description: 'For reading only: resolved from the current tables when read; not part of the stored, hash-chained row' }),
  })
  .openapi('AuditEntry');

export const auditPage = z.object({
  items: z.array(auditEntrySchema),
  total: z.number().int(),
  maxSeq: z.number().int().openapi({ description: 'The newest seq this result considered; pass it back as maxSeq for the next pages' }),
});

export const verifyQuery = z
  .object({ from: z.enum(['start', 'checkpoint']).default('start').openapi({ description: 'Walk from the chain start (default) or from the last checkpoint' }) })
  .strict();

export const verifyResultSchema = z
  .object({
    ok: z.boolean(),
    entries: z.number().int(),
    headSeq: z.number().int(),
    firstBadSeq: z.number().int().optional(),
    reason: z.string().optional(),
    breaks: z
      .array(z.object({ seq: z.number().int(), reason: z.string(), throughSeq: z.number().int().optional() }))
      .openapi({ description: 'Every break found, oldest first (the walk goes on past each one), at most 100; firstBadSeq/reason are the first' }),
    breaksMore: z.boolean().openapi({ description: 'More breaks were found than listed' }),
    scope: z
      .enum(['full', 'from_checkpoint'])
      .openapi({ description: "full: every row left was checked; from_checkpoint: only the rows after the checkpoint at fromSeq — the rows before it were not checked" }),
    fromSeq: z.number().int(),
    checkpointSeq: z.number().int().optional(),
    checkpoints: z.number().int(),
  })
  .openapi('AuditVerifyResult');

export const checkpointSchema = z
  .object({
    id: z.number().int(),
    seq: z.number().int(),
    hash: z.string(),
    at: z.string(),
    keyId: z.string(),
    signature: z.string(),
    reason: z.string(),
  })
  .openapi('AuditCheckpoint');

export { pageQuery } from '../http/zod.ts';

export const pruneResultSchema = z.object({
  deleted: z.number().int(),
  throughSeq: z.number().int(),
  cutoff: z.string(),
  retentionDays: z.number().int(),
});
