// HTTP routes of the workflow API (DESIGN.md "API"): definitions, instances, tasks.
import { DIAGRAM_BODY_LIMIT, diagramXml } from '../processes/schema.ts';
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';
import { conditional } from './etag.ts';
import {
  reassignBody,
  reassignCandidates,
  completeBody,
  completeResult,
  definitionSchema,
  deployBody,
  deployResult,
  idParams,
  instanceSchema,
  startBody,
  startResult,
  facetsQuery,
  inboxFacets,
  avoidedHolds,
  inboxSummary,
  taskDetail,
  taskList,
  taskListQuery,
  officeTaskQuery,
  taskSchema,
} from './schema.ts';

export function workflowRoutes(s: Services) {
  const wf = s.workflow;
  return [
    route({
      method: 'get',
      path: '/api/process-definitions',
      summary: 'Latest version of each process',
      tags: ['processes'],
      permission: 'process.read',
      response: z.array(definitionSchema),
      handler: () => wf.listDefinitions(),
    }),
    route({
      method: 'post',
      path: '/api/process-definitions',
      summary: 'Deploy a BPMN diagram as a new version',
      description:
        'Body: BPMN XML (application/xml) or JSON {xml, note}. The diagram is parsed and linted; a rejected diagram answers 422 BPMN_INVALID with every finding in details. ' +
        'The forms it names come from the previous version, else processes/forms/. With DEPLOY_REQUIRES_APPROVAL set it answers 409 APPROVAL_REQUIRED: use POST /api/admin/deployments.',
      tags: ['processes'],
      permission: 'process.deploy',
      bodyLimit: DIAGRAM_BODY_LIMIT,
      body: z.union([diagramXml, deployBody]),
      rawBody: ['application/xml', 'text/xml'],
      response: deployResult,
      status: 201,
      handler: ({ body, user, ip }) =>
        typeof body === 'string' ? s.processes.deployDirect(user, ip, body) : s.processes.deployDirect(user, ip, body.xml, body.note),
    }),
    route({
      method: 'post',
      path: '/api/process-instances',
      summary: 'Start a process',
      description:
        'Variables are the fields of the process start form; see each process below. ' +
        '`idempotencyKey` (a UUID the client makes once per application): the same user sending it again is answered the case it filed (201, `replayed: true`), nothing new is started; 409 IDEMPOTENCY_KEY_REUSED when it filed another application (another process, other variables or another version: a hash of them is kept with the key). ' +
        '`version`: the process version whose start form was filled; 409 FORM_CHANGED (details: latest `version`, `added` field keys) when the latest version’s start form differs.',
      tags: ['processes'],
      permission: 'instance.start',
      body: startBody,
      response: startResult,
      status: 201,
      handler: ({ body, user, ip }) => wf.start(user, ip, body.processKey, body.variables, { idempotencyKey: body.idempotencyKey, version: body.version }),
    }),
    route({
      method: 'get',
      path: '/api/process-instances/:id',
      summary: 'A case: status, active steps, history, tasks',
      tags: ['processes'],
      permission: 'instance.read',
      params: idParams,
      response: instanceSchema,
      handler: ({ params, user, ip }) => wf.getInstance(user, ip, params.id),
    }),
    route({
      method: 'get',
      path: '/api/tasks',
      summary: "The caller's tasks (待办)",
      description:
        'filter=open (default: mine and offered to my roles), mine, candidate, completed; filters by process, due state, ' +
        'applying unit (with its subtree) and text; sort by due date or age; pages of `limit`. Poll with If-None-Match: ' +
        'an unchanged list answers 304.',
      tags: ['tasks'],
      permission: 'task.read',
      query: taskListQuery,
      response: taskList,
      async handler({ query, user, req, res }) {
        const r = await s.inbox.list(user, query);
        return conditional(req, res, { items: r.items, total: r.total }, r);
      },
    }),
    route({
      method: 'get',
      path: '/api/tasks/summary',
      summary: 'Counts for the workbench (工作台): open, mine, offered, overdue, due soon, my open applications',
      description: 'Poll with If-None-Match: unchanged counts answer 304.',
      tags: ['tasks'],
      permission: 'task.read',
      response: inboxSummary,
      async handler({ user, req, res }) {
        const r = await s.inbox.summary(user);
        const { serverTime: _t, ...counts } = r;
        return conditional(req, res, counts, r);
      },
    }),
    route({
      method: 'get',
      path: '/api/tasks/avoided',
      summary: '办理回避: the tasks I hold on cases about a cadre I must avoid, to give back — the step and the process only',
      tags: ['tasks'],
      permission: 'task.read',
      response: avoidedHolds,
      handler: ({ user }) => s.inbox.avoidedHolds(user),
    }),
    route({
      method: 'get',
      path: '/api/tasks/facets',
      summary: 'Processes and applying units present in my list, with counts (for the filter menus)',
      tags: ['tasks'],
      permission: 'task.read',
      query: facetsQuery,
      response: inboxFacets,
      handler: ({ query, user }) => s.inbox.facets(user, query.filter),
    }),
    route({
      method: 'get',
      path: '/api/tasks/office',
      summary: '督办: the open tasks of my office’s roles, claimed or not, with who holds them (the archive chief)',
      description: 'Soonest due first; `due` narrows to a due state. Cases about cadres the chief must avoid are left out. Audited `task.office_list`. The chief may hand any of them on (`POST /api/tasks/:id/reassign`).',
      tags: ['tasks'],
      permission: 'task.oversee',
      query: officeTaskQuery,
      response: taskList,
      handler: ({ query, user, ip }) => s.inbox.officeTasks(user, ip, query),
    }),
    route({
      method: 'get',
      path: '/api/tasks/:id',
      summary: 'One task with its form and what the caller may do with it',
      tags: ['tasks'],
      permission: 'task.read',
      params: idParams,
      response: taskDetail,
      handler: ({ params, user }) => wf.getTask(user, params.id),
    }),
    route({
      method: 'post',
      path: '/api/tasks/:id/claim',
      summary: 'Claim a task offered to my role',
      description: '404 for a task outside my scope (as GET /api/tasks/:id); 403 NOT_CANDIDATE for one I know of but may not take; 409 TASK_CLAIMED or TASK_NOT_OPEN.',
      tags: ['tasks'],
      permission: 'task.work',
      params: idParams,
      response: taskSchema,
      handler: ({ params, user, ip }) => wf.claim(user, ip, params.id),
    }),
    route({
      method: 'post',
      path: '/api/tasks/:id/unclaim',
      summary: 'Give a claimed task back to the group',
      tags: ['tasks'],
      permission: 'task.work',
      params: idParams,
      response: taskSchema,
      handler: ({ params, user, ip }) => wf.unclaim(user, ip, params.id),
    }),
    route({
      method: 'get',
      path: '/api/tasks/:id/reassign-candidates',
      summary: '转办: the colleagues the task may be handed to',
      description: 'For the task’s assignee, a candidate while nobody has claimed it, or the archive chief of the task’s office: the active holders of its role in its unit, the caller, the assignee and anyone tied to the case’s cadre left out.',
      tags: ['tasks'],
      permission: 'task.work',
      params: idParams,
      response: reassignCandidates,
      handler: ({ params, user }) => wf.reassignCandidates(user, params.id),
    }),
    route({
      method: 'post',
      path: '/api/tasks/:id/reassign',
      summary: '转办: hand the task to a colleague who holds its role, with the reason',
      description:
        'The assignee, a candidate while nobody has claimed it, or the archive chief of the task’s office (督办). 409 TASK_ASSIGNED for a task the process assigned by name, TASK_CLAIMED when another user holds it, TASK_NOT_OPEN when it is done; 422 `reassign-target` when the colleague cannot take it (one answer for every reason). Recorded in the case history and the audit log; the colleague is notified.',
      tags: ['tasks'],
      permission: 'task.work',
      params: idParams,
      body: reassignBody,
      response: taskSchema,
      handler: ({ params, body, user, ip }) => wf.reassign(user, ip, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/tasks/:id/complete',
      summary: 'Complete a task with its form variables',
      description: 'Answers 409 TASK_NOT_OPEN when the task is no longer open, 403 NOT_CANDIDATE when the caller knows of the task but may not work it, and 404 — as for an id that does not exist — when the task is outside the caller’s scope (as for every task route).',
      tags: ['tasks'],
      permission: 'task.work',
      params: idParams,
      body: completeBody,
      response: completeResult,
      handler: ({ params, body, user, ip }) => wf.complete(user, ip, params.id, body.variables),
    }),
  ];
}
