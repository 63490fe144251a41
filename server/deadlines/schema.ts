// Shapes of the 督办 API.
import { z, intId, uuid } from '../http/zod.ts';
import { DEADLINE_KINDS } from './store.ts';
import { DEADLINE_SUBJECT_CODES } from './subjects.ts';

const kind = z.enum(DEADLINE_KINDS);
const light = z.enum(['green', 'yellow', 'red']);
const lights = z.object({ green: z.number().int(), yellow: z.number().int(), red: z.number().int() });

export const deadlineSchema = z
  .object({
    id: z.string(),
    kind,
    subject: z.string().openapi({ description: 'as stored (Chinese for a subject the system wrote); shown when subjectCode is null' }),
    subjectCode: z.enum(DEADLINE_SUBJECT_CODES).nullable().openapi({ description: 'a subject the system wrote: render deadlines.subjects.<code> with subjectParams in the reader’s language' }),
    subjectParams: z.record(z.string(), z.string()).nullable(),
    instanceId: z.string().nullable(),
    caseReadable: z.boolean().openapi({ description: 'the caller may open the case (/applications/:instanceId)' }),
    campaignId: z.number().int().nullable().openapi({ description: 'the 专项审核工作 of a review_campaign deadline' }),
    orgUnit: z.object({ id: z.number().int(), name: z.string() }),
    custodianOrg: z.object({ id: z.number().int(), name: z.string() }).nullable(),
    openedAt: z.string(),
    warnAt: z.string(),
    dueAt: z.string(),
    status: z.enum(['open', 'closed', 'cancelled']),
    closedAt: z.string().nullable(),
    light: light.nullable().openapi({ description: 'green until warnAt, yellow until dueAt, red after; null when closed' }),
    closedLate: z.boolean().nullable(),
    daysLeft: z.number().int().nullable().openapi({ description: 'Calendar days (Beijing) from today to the due day: 0 when due today, negative once the day is past' }),
    overdue: z.boolean().nullable().openapi({ description: 'The due instant has passed (null once closed)' }),
  })
  .openapi('Deadline');

export const deadlineQuery = z
  .object({
    kind: kind.optional(),
    light: light.optional().openapi({ description: 'implies status=open' }),
    status: z.enum(['open', 'closed', 'cancelled', 'all']).default('open'),
    orgUnitId: intId.optional(),
    instanceId: uuid.optional(),
    dueBefore: z.string().datetime().optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export const deadlineList = z
  .object({ now: z.string(), total: z.number().int(), items: z.array(deadlineSchema) })
  .openapi('DeadlineList');

export const deadlineCounts = z
  .object({
    now: z.string(),
    open: z.number().int(),
    green: z.number().int(),
    yellow: z.number().int(),
    red: z.number().int(),
    byKind: z.record(kind, lights),
  })
  .openapi('DeadlineCounts');

export const deadlineParams = z.object({ id: uuid }).strict();
