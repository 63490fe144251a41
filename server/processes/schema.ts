// Shapes of the process administration API: versions, forms, deployments and proposals, the diff,
// and 运行监控 (operations).
import { z, uuid, isoDate, paging } from '../http/zod.ts';

export const processKey = z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/, '流程标识只能含字母、数字、下划线、点和连字符 / a process key');
export const formKey = z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, '表单标识只能含字母、数字、下划线和连字符 / a form key');
export const keyParams = z.object({ key: processKey }).strict();
export const versionParams = z.object({ key: processKey, version: z.coerce.number().int().positive() }).strict();
export const idParams = z.object({ id: uuid }).strict();

const formSchemaValue = z.object({ type: z.string(), components: z.array(z.unknown()) }).passthrough();
/** Forms edited in the browser: {key: schema}; at most 50, 200,000 characters in all. */
export const editedForms = z
  .record(formKey, formSchemaValue)
  .refine((f) => Object.keys(f).length <= 50, '一次最多提交 50 个表单 / At most 50 forms per deployment')
  .refine((f) => JSON.stringify(f).length <= 200_000, '表单合计不得超过 200,000 字符 / The forms may not exceed 200,000 characters in all')
  .default({});

/**
 * A diagram: at most 300,000 bytes of UTF-8. Parsing and checking a diagram holds the server's one
 * thread, and nobody else is answered meanwhile: a 1.87 MB diagram of 3,400 steps took 12.2 s, one
 * of 800 steps (433 kB) 3.1 s, of 400 steps (216 kB) 2.0 s, the largest shipped one (borrowing,
 * 51 kB) 0.6–1.2 s (`npx tsx bench/diagram-size.ts`, 2 cores busy with other work). 300 kB is six
 * times the largest shipped diagram, some 550 steps: far more than an office's process. The JSON body of the routes that
 * carry one is read up to DIAGRAM_BODY_LIMIT (their RouteDef.bodyLimit), room for the diagram, the
 * forms (200,000 characters, up to 600 kB of UTF-8) and the note, so the body limit never refuses
 * what this accepts; a larger body is refused unread.
 */
export const MAX_DIAGRAM_BYTES = 300_000;
export const DIAGRAM_BODY_LIMIT = '1mb';
export const diagramXml = z
  .string()
  .min(1, '请提交流程图 / The diagram is empty')
  .refine(
    (x) => new TextEncoder().encode(x).length <= MAX_DIAGRAM_BYTES,
    '流程图不得超过 300 KB（约 550 个环节）/ The diagram may not exceed 300 kB (some 550 steps)',
  );

export const lintContext = z
  .object({
    services: z.array(z.string()),
    messages: z.array(z.string()),
    roles: z.array(z.string()),
    forms: z.array(z.string()),
    decisions: z.array(z.string()),
    timerMinCycleSeconds: z.number(),
    timerMaxRepetitions: z.number(),
    /** Ids of the enabled business users: a literal assignee must be one of them. */
    assignees: z.array(z.number().int()),
    requireApproval: z.boolean(),
  })
  .openapi('LintContext');

const counts = z.object({ running: z.number(), incident: z.number(), suspended: z.number(), completed: z.number(), terminated: z.number() });

export const versionSummary = z.object({
  id: z.string(),
  version: z.number().int(),
  name: z.string(),
  deployedAt: z.string(),
  deployedByName: z.string().nullable(),
  note: z.string().nullable(),
  sha256: z.string(),
  counts,
});

/** A process withdrawn from 发起申请 (停用): why, when, by whom; null while it takes applications. */
const retirement = z
  .object({ reason: z.string(), retiredAt: z.string(), retiredByName: z.string() })
  .nullable()
  .openapi({ description: 'withdrawn from 发起申请 (停用): no new applications; null while it takes them' });

export const processSummary = z
  .object({
    key: z.string(),
    name: z.string(),
    latestVersion: z.number().int(),
    versions: z.array(versionSummary),
    pendingProposals: z.number().int(),
    retired: retirement,
  })
  .openapi('AdminProcess');

export const restoreBody = z.object({ note: z.string().trim().min(2, '请填写变更说明 / a change note is required').max(500) }).strict();
export const retireBody = z.object({ reason: z.string().trim().min(2, '请写明停用原因 / say why').max(500) }).strict();
export const reinstateBody = z.object({ reason: z.string().trim().max(500).optional() }).strict();
export const retirementResult = z.object({ key: z.string(), retired: retirement });

export const versionDetail = versionSummary
  .extend({
    key: z.string(),
    xml: z.string(),
    latest: z.boolean(),
    forms: z.record(z.string(), z.any().openapi({ description: 'a form-js schema' })),
  })
  .openapi('ProcessVersion');

export const finding = z.object({ rule: z.string(), elementId: z.string().optional(), message: z.string(), category: z.enum(['error', 'warn']) });
export const formFinding = z.object({ formKey: z.string(), where: z.string(), message: z.string() });

export const validateBody = z.object({ xml: diagramXml, forms: editedForms }).strict();
export const validateResult = z
  .object({ ok: z.boolean(), errors: z.array(finding), warnings: z.array(finding), formFindings: z.array(formFinding) })
  .openapi('ValidationResult');

export const submitBody = z
  .object({
    xml: diagramXml,
    /** The process being edited; null for a new one. Its id in the XML must match. */
    processKey: processKey.nullable(),
    /** The version the edit started from; a newer version deployed meanwhile answers 409. */
    baseVersion: z.number().int().positive().nullable(),
    note: z.string().trim().min(2, '请填写变更说明 / a change note is required').max(500),
    forms: editedForms,
  })
  .strict()
  .openapi('DeploymentRequest');

export const submitResult = z
  .object({
    outcome: z.enum(['deployed', 'proposed']),
    key: z.string(),
    version: z.number().int().nullable(),
    proposalId: z.string().nullable(),
    warnings: z.array(finding),
  })
  .openapi('DeploymentResult');

export const proposalSummary = z
  .object({
    id: z.string(),
    processKey: z.string(),
    name: z.string(),
    baseVersion: z.number().int().nullable(),
    note: z.string(),
    sha256: z.string(),
    proposedByName: z.string().nullable(),
    proposedAt: z.string(),
    status: z.enum(['pending', 'approved', 'rejected', 'withdrawn']),
    decidedByName: z.string().nullable(),
    decidedAt: z.string().nullable(),
    decisionNote: z.string().nullable(),
    version: z.number().int().nullable(),
    mine: z.boolean(),
  })
  .openapi('DeploymentProposal');

export const proposalsQuery = z.object({ status: z.enum(['pending', 'all']).default('pending') }).strict();

const change = z.object({ field: z.string(), from: z.string().nullable(), to: z.string().nullable() });
const elementRef = z.object({ id: z.string(), type: z.string(), name: z.string().nullable() });
export const diffSchema = z
  .object({
    added: z.array(elementRef),
    removed: z.array(elementRef),
    changed: z.array(elementRef.extend({ changes: z.array(change) })),
    forms: z.array(z.object({ key: z.string(), change: z.enum(['added', 'removed', 'changed']), fieldsAdded: z.array(z.string()), fieldsRemoved: z.array(z.string()) })),
  })
  .openapi('VersionDiff');

export const proposalDetail = proposalSummary
  .extend({ xml: z.string(), forms: z.record(z.string(), z.any().openapi({ description: 'a form-js schema' })), baseXml: z.string().nullable(), diff: diffSchema })
  .openapi('DeploymentProposalDetail');

export const decideBody = z.object({ note: z.string().trim().max(500).optional() }).strict();
export const rejectBody = z.object({ note: z.string().trim().min(2, '请填写理由 / a reason is required').max(500) }).strict();

export const diffQuery = z.object({ from: z.coerce.number().int().positive(), to: z.coerce.number().int().positive() }).strict();
export const diffResult = diffSchema
  .extend({ key: z.string(), from: z.object({ version: z.number().int(), xml: z.string() }), to: z.object({ version: z.number().int(), xml: z.string() }) })
  .openapi('VersionDiffResult');

// -- operations --------------------------------------------------------------------------------

export const statusEnum = z.enum(['running', 'incident', 'suspended', 'completed', 'terminated']);

export const versionStats = z
  .object({
    key: z.string(),
    version: z.number().int(),
    name: z.string(),
    xml: z.string(),
    totals: counts,
    elements: z.array(z.object({ elementId: z.string(), active: z.number().int(), incidents: z.number().int() })),
  })
  .openapi('VersionStats');

export const instancesQuery = z
  .object({
    processKey: processKey.optional(),
    version: z.coerce.number().int().positive().optional(),
    status: statusEnum.optional(),
    /** Started on or after this day (Beijing time). */
    startedFrom: isoDate.optional(),
    /** Started on or before this day (Beijing time). */
    startedTo: isoDate.optional(),
    /** Waiting at this element. */
    elementId: z.string().regex(/^[A-Za-z_][A-Za-z0-9_.-]{0,99}$/).optional(),
    q: z.string().trim().max(60).optional().openapi({
      description: 'the case number (编号), whole or any part of it, in any case; never a cadre or a subject — the process administrator reads no records',
    }),
    ...paging,
  })
  .strict();

const stepRef = z.object({ id: z.string(), name: z.string() });
export const instanceSummary = z.object({
  id: z.string(),
  processKey: z.string(),
  processName: z.string(),
  version: z.number().int(),
  businessKey: z.string().nullable(),
  status: statusEnum,
  startedAt: z.string(),
  endedAt: z.string().nullable(),
  initiatorOrgName: z.string().nullable(),
  activeSteps: z.array(stepRef),
  incidents: z.number().int(),
});
export const instanceList = z.object({ items: z.array(instanceSummary), total: z.number().int() }).openapi('AdminInstanceList');

export const instanceDetail = instanceSummary
  .extend({
    endReason: z.string().nullable(),
    xml: z.string(),
    activeElements: z.array(z.string()),
    doneElements: z.array(z.string()),
    incidentElements: z.array(z.string()),
    variables: z.array(z.object({ name: z.string(), type: z.string(), routing: z.array(z.object({ path: z.string(), value: z.union([z.string(), z.number(), z.boolean(), z.null()]) })) })),
    timeline: z.array(
      z.object({ at: z.string(), elementId: z.string(), elementName: z.string().nullable(), elementType: z.string(), event: z.string(), actorName: z.string().nullable(), outcome: z.string().nullable(), reason: z.string().nullable() }),
    ),
    jobs: z.array(
      z.object({
        id: z.string(),
        elementId: z.string(),
        elementName: z.string().nullable(),
        type: z.string().openapi({ description: 'timer: a timer of the diagram; command: a command that failed on a fault of the diagram (its retry closes it)' }),
        dueAt: z.string(),
        status: z.string(),
        attempts: z.number().int(),
        retriesLeft: z.number().int(),
        lastError: z.string().nullable(),
      }),
    ),
    tasks: z.array(
      z.object({
        id: z.string(),
        elementId: z.string(),
        name: z.string(),
        status: z.string(),
        candidateRole: z.string().nullable(),
        candidateOrgName: z.string().nullable(),
        assigneeName: z.string().nullable(),
        createdAt: z.string(),
        dueAt: z.string().nullable(),
        completedAt: z.string().nullable(),
      }),
    ),
  })
  .openapi('AdminInstance');

export const reasonBody = z.object({ reason: z.string().trim().min(2, '请填写原因 / a reason is required').max(500) }).strict();
export const optionalReasonBody = z.object({ reason: z.string().trim().max(500).optional() }).strict();
export const actionResult = z.object({ id: z.string(), status: statusEnum }).openapi('InstanceActionResult');
export const retryResult = z.object({ jobId: z.string(), instanceId: z.string(), status: statusEnum, jobStatus: z.string() }).openapi('JobRetryResult');
