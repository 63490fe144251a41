// Shapes of the workflow API: process definitions, instances, tasks.
import { z, uuid } from '../http/zod.ts';
import { diagramXml } from '../processes/schema.ts';

export const variablesSchema = z
  .record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,63}$/), z.unknown())
  .refine((v) => JSON.stringify(v).length <= 64_000, 'variables too large')
  .openapi('Variables', { description: 'Form fields of the start event or task, validated against its form-js schema' });

export const definitionSchema = z
  .object({
    key: z.string(),
    version: z.number().int(),
    name: z.string(),
    deployedAt: z.string(),
    startFormKey: z.string().nullable(),
    starters: z.array(z.string()),
    description: z.string().nullable().openapi({ description: "What the process is for, in plain words: the first paragraph of its documentation, configured values filled in" }),
  })
  .openapi('ProcessDefinition');

export const deployBody = z
  .object({ xml: diagramXml, note: z.string().max(500).optional() })
  .strict()
  .openapi('DeployRequest');

export const deployResult = z
  .object({
    key: z.string(),
    version: z.number().int(),
    created: z.boolean(),
    warnings: z.array(z.object({ rule: z.string(), elementId: z.string().optional(), message: z.string() })),
  })
  .openapi('DeployResult');

export const startBody = z
  .object({
    processKey: z.string().min(1).max(100),
    variables: variablesSchema.default({}),
    idempotencyKey: uuid.optional().openapi({
      description: 'Made by the client once per application (a UUID). Sent again by the same user, e.g. a retry after a lost answer, it is answered the case it filed instead of filing another',
    }),
    version: z.number().int().positive().optional().openapi({
      description: 'The process version whose start form the caller filled: 409 FORM_CHANGED when the latest version’s start form differs',
    }),
  })
  .strict()
  .openapi('StartRequest');

export const startResult = z
  .object({
    id: uuid,
    processKey: z.string(),
    version: z.number().int(),
    status: z.string(),
    businessKey: z.string().nullable(),
    activeElements: z.array(z.string()),
    replayed: z.boolean().openapi({ description: 'true: this idempotencyKey had filed the case already; this answer is that case, nothing new was started' }),
  })
  .openapi('StartResult');

export const historyEntry = z.object({
  elementId: z.string(),
  elementType: z.string(),
  elementName: z.string().nullable(),
  event: z.string(),
  caught: z.string().nullable().openapi({ description: "For a boundary or catch event: what it caught ('message', 'timer', …)" }),
  actor: z.string().nullable(),
  at: z.string(),
  detail: z.record(z.string(), z.unknown()).nullable(),
});

export const taskSchema = z
  .object({
    id: uuid,
    name: z.string(),
    instanceId: uuid,
    processKey: z.string(),
    elementId: z.string(),
    businessKey: z.string().nullable(),
    status: z.enum(['open', 'completed', 'cancelled']),
    assigneeId: z.number().int().nullable(),
    candidateRole: z.string().nullable(),
    formKey: z.string().nullable(),
    dueAt: z.string().nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
    outcome: z.string().nullable(),
  })
  .openapi('Task');

export const caseTaskSchema = taskSchema
  .extend({
    assigneeName: z.string().nullable(),
    completedByName: z.string().nullable(),
    comment: z.string().nullable(),
    outcomeLabel: z.string().nullable().openapi({ description: "The decision in its form's words (the chosen option's label), when the form has one" }),
  })
  .openapi('CaseTask');

export const instanceSchema = z
  .object({
    id: uuid,
    processKey: z.string(),
    processName: z.string(),
    version: z.number().int(),
    businessKey: z.string().nullable(),
    subject: z.string().nullable().openapi({ description: 'What the case is about (the process sets variables.caseSubject)' }),
    status: z.string(),
    outcome: z.string().nullable().openapi({ description: "How it ended: the end event's name, 'withdrawn' or 'terminated'" }),
    endReason: z.string().nullable(),
    startedBy: z.number().int().nullable(),
    initiatorName: z.string().nullable(),
    initiatorOrgName: z.string().nullable(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    startFormKey: z.string().nullable(),
    cadre: z
      .object({ id: z.number().int(), name: z.string(), unitName: z.string().nullable(), post: z.string().nullable() })
      .nullable()
      .openapi({ description: 'The cadre the case concerns (variables.cadreId), named for the start form read-out' }),
    canWithdraw: z.boolean(),
    coApplicant: z.boolean().openapi({ description: 'true: the caller reads this case as a co-applicant (同行查档人员) of its 利用 request — read-only' }),
    activeElements: z.array(z.string()),
    variables: z.record(z.string(), z.unknown()),
    history: z.array(historyEntry),
    tasks: z.array(caseTaskSchema),
  })
  .openapi('ProcessInstance');

export const dueState = z.enum(['overdue', 'soon', 'later', 'none']).openapi('DueState', {
  description: 'overdue: past its due date; soon: due within INBOX_DUE_SOON_HOURS; later; none: no due date',
});

export const taskListQuery = z
  .object({
    filter: z.enum(['mine', 'candidate', 'completed', 'open']).default('open'),
    processKey: z.string().max(100).optional(),
    due: dueState.optional(),
    unitId: z.coerce.number().int().positive().optional().openapi({ description: "The applying unit, with the units below it" }),
    q: z.string().max(100).optional().openapi({ description: 'Text in the case subject, business key, process, task, applicant or unit' }),
    sort: z.enum(['due', 'age']).default('due').openapi({ description: 'due: earliest due date first; age: waiting longest first' }),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const officeTaskQuery = z
  .object({
    due: dueState.optional(),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const inboxItem = taskSchema
  .extend({
    processName: z.string(),
    subject: z.string().nullable(),
    initiatorName: z.string().nullable(),
    initiatorOrgName: z.string().nullable(),
    assigneeName: z.string().nullable(),
    claimedAt: z.string().nullable(),
    dueState,
  })
  .openapi('InboxItem');

export const taskList = z
  .object({ items: z.array(inboxItem), total: z.number().int(), serverTime: z.string() })
  .openapi('TaskList', { description: 'Answers 304 to a matching If-None-Match (poll with the ETag)' });

export const inboxSummary = z
  .object({
    open: z.number().int(),
    mine: z.number().int(),
    candidate: z.number().int(),
    overdue: z.number().int(),
    soon: z.number().int(),
    none: z.number().int(),
    applicationsOpen: z.number().int(),
    dueSoonHours: z.number().int(),
    serverTime: z.string(),
  })
  .openapi('InboxSummary');

export const avoidedHolds = z
  .object({
    items: z.array(
      z.object({
        id: uuid,
        name: z.string().openapi({ description: 'the step (任务) as the diagram names it' }),
        processName: z.string(),
        claimedAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('AvoidedHolds', {
    description:
      '办理回避: the open tasks the caller holds (claimed) on cases about a cadre they must avoid (self, relative, avoidance list), which they may no longer open but give back (POST /api/tasks/:id/unclaim). Nothing of the case: no case number, subject, cadre or form.',
  });

const facet = z.object({ id: z.string(), name: z.string(), count: z.number().int() });
export const inboxFacets = z.object({ processes: z.array(facet), units: z.array(facet) }).openapi('InboxFacets');
export const facetsQuery = z.object({ filter: z.enum(['mine', 'candidate', 'completed', 'open']).default('open') }).strict();

export const taskDetail = taskSchema
  .extend({
    processName: z.string(),
    subject: z.string().nullable(),
    assigneeName: z.string().nullable(),
    completedByName: z.string().nullable(),
    comment: z.string().nullable(),
    dueState,
    canComplete: z.boolean(),
    canClaim: z.boolean(),
    canUnclaim: z.boolean(),
    canReassign: z.boolean().openapi({ description: '转办: the caller may hand the task to another holder of its role' }),
    bar: z
      .enum(['own_request', 'other_level'])
      .nullable()
      .openapi({
        description:
          '办理回避: why the caller may not work this open task though they read it (the archive chief who hands it on, or its holder, who may give it back): own_request (their own or a co-applied request), other_level (they worked a step of the case in another role); null otherwise. canClaim and canComplete are false then.',
      }),
    caseReadable: z.boolean().openapi({ description: 'The caller may read the case (GET /api/process-instances/:id). When not, the subject and form are left out.' }),
    closedReason: z
      .enum(['done', 'doneByOther', 'withdrawn', 'terminated', 'stepCancelled'])
      .nullable()
      .openapi({
        description:
          'Why a task is no longer to be done: done (by the caller), doneByOther, withdrawn (the applicant withdrew the case), terminated (the process administrator ended it), stepCancelled (the case went on without this step); null while open',
      }),
    reopenedAs: z.string().nullable().openapi({
      description: 'A cancelled task whose step the case came back to (a renewal re-creates 归还核对): the open task at that step the caller may know of',
    }),
    handedOn: z
      .object({ byName: z.string(), toName: z.string(), at: z.string() })
      .nullable()
      .openapi({ description: '转办: who handed the open task to its assignee, and when (the latest hand-over, while that person still holds it); null otherwise, and when the caller may not read the case' }),
    form: z.unknown(),
    blockedChoices: z
      .array(z.object({ field: z.string(), value: z.string(), message: z.string() }))
      .openapi({ description: 'Choices on the form that completing would refuse now (e.g. 合格 on a material whose key fields differ), with the refusal' }),
  })
  .openapi('TaskDetail');

export const completeBody = z
  .object({ variables: variablesSchema.default({}) })
  .strict()
  .openapi('CompleteTaskRequest', {
    description: 'Approvals use variables.decision = approve | reject (| return) and a required variables.comment',
  });

export const completeResult = z
  .object({ task: taskSchema, instance: z.object({ id: uuid, status: z.string(), activeElements: z.array(z.string()) }) })
  .openapi('CompleteTaskResult');

export const idParams = z.object({ id: uuid });

export const reassignBody = z
  .object({
    userId: z.number().int().positive(),
    reason: z.string().trim().min(2).max(200),
  })
  .strict()
  .openapi('ReassignTaskRequest', { description: '转办: the colleague who takes the task over, and why (kept in the case history)' });

export const reassignCandidates = z
  .object({
    items: z.array(
      z.object({
        id: z.number().int(),
        name: z.string(),
        orgName: z.string(),
        noAddress: z.boolean().openapi({ description: 'The colleague has no mail address: the 转办 notice will not reach them by mail' }),
      }),
    ),
  })
  .openapi('ReassignCandidates', { description: 'The active holders of the task’s role in its unit, the caller, the assignee and anyone tied to the case’s cadre left out' });
