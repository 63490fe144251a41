// Shapes of the workflow API: process definitions, instances, tasks.
import { z, uuid } from '../http/zod.ts';

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
  })
  .openapi('ProcessDefinition');

export const deployBody = z
  .object({ xml: z.string().min(1).max(2_000_000), note: z.string().max(500).optional() })
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
  })
  .openapi('StartResult');

export const historyEntry = z.object({
  elementId: z.string(),
  elementType: z.string(),
  elementName: z.string().nullable(),
  event: z.string(),
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

export const instanceSchema = z
  .object({
    id: uuid,
    processKey: z.string(),
    version: z.number().int(),
    businessKey: z.string().nullable(),
    status: z.string(),
    startedBy: z.number().int().nullable(),
    startedAt: z.string(),
    endedAt: z.string().nullable(),
    activeElements: z.array(z.string()),
    variables: z.record(z.string(), z.unknown()),
    history: z.array(historyEntry),
    tasks: z.array(taskSchema),
  })
  .openapi('ProcessInstance');

export const taskListQuery = z
  .object({
    filter: z.enum(['mine', 'candidate', 'completed', 'open']).default('open'),
    processKey: z.string().max(100).optional(),
    offset: z.coerce.number().int().min(0).max(100_000).default(0),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const taskList = z.object({ items: z.array(taskSchema), total: z.number().int() }).openapi('TaskList');

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
