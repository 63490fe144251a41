// Shapes of the requester's side: my applications, withdrawal, comments, attachments, diagrams,
// forms, and the UI bootstrap.
import { z, uuid } from '../http/zod.ts';
import { meSchema } from '../people/schema.ts';
import { instanceSchema } from './schema.ts';

export const applicationsQuery = z
  .object({
    state: z.enum(['open', 'closed', 'all']).default('all'),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const application = instanceSchema
  .pick({
    id: true,
    processKey: true,
    processName: true,
    version: true,
    businessKey: true,
    subject: true,
    status: true,
    startedAt: true,
    endedAt: true,
    outcome: true,
    canWithdraw: true,
  })
  .extend({
    currentSteps: z.array(z.string()).openapi({ description: 'Names of the steps waiting now' }),
    coApplicant: z.boolean().openapi({ description: 'true: the caller is a co-applicant (同行查档人员) of this 利用 request, not its initiator; they read it, the initiator acts on it' }),
    initiatorName: z.string().nullable().openapi({ description: 'Who filed it (for a co-applicant: the colleague who started the request)' }),
  })
  .openapi('Application');

export const applicationList = z.object({ items: z.array(application), total: z.number().int() }).openapi('ApplicationList');

export const withdrawBody = z
  .object({ reason: z.string().trim().min(2, '请说明撤回理由 / give a reason').max(500) })
  .strict()
  .openapi('WithdrawRequest');

export const withdrawResult = z.object({ id: uuid, status: z.string(), outcome: z.string() }).openapi('WithdrawResult');

export const commentBody = z
  .object({ body: z.string().trim().min(1, '内容不能为空 / empty').max(2000) })
  .strict()
  .openapi('CommentRequest');

export const comment = z
  .object({ id: z.number().int(), authorId: z.number().int(), authorName: z.string(), body: z.string(), createdAt: z.string() })
  .openapi('CaseComment');

export const attachment = z
  .object({
    id: uuid,
    fileName: z.string(),
    contentType: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    uploaderId: z.number().int(),
    uploaderName: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('CaseAttachment');

export const uploadQuery = z.object({ filename: z.string().min(1).max(255) }).strict();

export const diagram = z
  .object({
    processKey: z.string(),
    version: z.number().int(),
    xml: z.string(),
    activeElements: z.array(z.string()),
    doneElements: z.array(z.string()),
  })
  .openapi('Diagram');

export const formKeyParams = z.object({ key: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/) });
export const processKeyParams = z.object({ key: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/) });
export const formQuery = z
  .object({ processKey: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/).optional(), instanceId: z.string().uuid().optional() })
  .strict();

export const clientSettings = z
  .object({
    sessionIdleSeconds: z.number().int(),
    pollSeconds: z.number().int(),
    dueSoonHours: z.number().int(),
    attachmentMaxBytes: z.number().int(),
    attachmentTypes: z.array(z.string()),
  })
  .openapi('ClientSettings');

export const bootstrap = z
  .object({ user: meSchema.nullable(), settings: clientSettings, serverTime: z.string() })
  .openapi('Bootstrap', { description: 'Public: who is logged in (or null) and the settings the browser needs' });
