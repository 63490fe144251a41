// Shapes of the notify API: the logged-in user's settings and the administrator's outbox.
import { z, uuid } from '../http/zod.ts';
import { NOTICE_EVENTS } from './templates.ts';
import { MAIL_STATUSES } from './store.ts';

const event = z.enum(NOTICE_EVENTS);

export const settingsSchema = z
  .object({
    digest: z.boolean(),
    digestHour: z.number().int().min(0).max(23),
    digestHourIsDefault: z.boolean(),
    defaultDigestHour: z.number().int().min(0).max(23).openapi({ description: 'MAIL_DIGEST_HOUR: the hour while digestHourIsDefault' }),
    events: z.array(z.object({ event, enabled: z.boolean(), mandatory: z.boolean() })),
  })
  .openapi('NotificationSettings');

export const settingsBody = z
  .object({
    digest: z.boolean().optional(),
    digestHour: z.number().int().min(0).max(23).nullable().optional().openapi({ description: 'Hour of the daily digest, Beijing time; null: the installation default' }),
    events: z.partialRecord(event, z.boolean()).optional().openapi({ description: 'Turn optional events on (true) or off (false); deadline warnings cannot be turned off' }),
  })
  .strict()
  .openapi('NotificationSettingsChange');

export const mailSchema = z
  .object({
    id: z.string(),
    event: z.string(),
    recipientId: z.number().int(),
    recipientName: z.string().nullable().optional().openapi({ description: 'The recipient as the directory names them (in the list)' }),
    to: z.string().nullable(),
    language: z.string(),
    subject: z.string(),
    link: z.string(),
    instanceId: z.string().nullable(),
    status: z.enum(MAIL_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: z.string().nullable(),
    holdUntil: z.string().nullable(),
    digestId: z.string().nullable(),
    lastError: z.string().nullable(),
    messageId: z.string(),
    createdAt: z.string(),
    sentAt: z.string().nullable(),
  })
  .openapi('Mail');

export const mailDetailSchema = mailSchema.extend({ body: z.string() }).openapi('MailDetail');

export const outboxQuery = z
  .object({
    status: z.enum(MAIL_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export const outboxList = z
  .object({
    sending: z.boolean().openapi({ description: 'false when SMTP_URL is not set: mail stays here' }),
    counts: z.record(z.enum(MAIL_STATUSES), z.number().int()),
    total: z.number().int(),
    items: z.array(mailSchema),
  })
  .openapi('Outbox');

export const mailParams = z.object({ id: uuid }).strict();

export const retryAllResult = z
  .object({
    retried: z.number().int().openapi({ description: 'Incidents queued again' }),
    skipped: z.array(z.object({ id: z.string(), problem: z.string() })).openapi({ description: 'Incidents left as they are: the recipient has no allowed address now, or is disabled' }),
    ids: z.array(z.string()).openapi({ description: 'The messages queued again, to follow with POST /api/admin/outbox/progress' }),
  })
  .openapi('OutboxRetryAll');

export const progressBody = z.object({ ids: z.array(uuid).min(1).max(1000) }).strict();
export const progressResult = z
  .object({ total: z.number().int(), counts: z.record(z.enum(MAIL_STATUSES), z.number().int()) })
  .openapi('OutboxProgress');
