// HTTP routes of 督办: the deadline list with its lights, one deadline, and the 工作台 counters.
// Business users only; each sees the deadlines of their scope (DeadlineService.scope: their unit and custodianOffices), the rest is 404.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import { deadlineCounts, deadlineList, deadlineParams, deadlineQuery, deadlineSchema } from './schema.ts';

export function deadlineRoutes(s: Services) {
  return [
    route({
      method: 'get',
      path: '/api/deadlines/counts',
      summary: 'Open deadlines in my scope by light and kind (工作台)',
      tags: ['deadlines'],
      permission: 'deadline.read',
      response: deadlineCounts,
      handler: ({ user }) => s.deadlines.counts(user),
    }),
    route({
      method: 'get',
      path: '/api/deadlines',
      summary: '督办: deadlines in my scope, soonest first, with green/yellow/red lights',
      tags: ['deadlines'],
      permission: 'deadline.read',
      query: deadlineQuery,
      response: deadlineList,
      handler: ({ user, query }) => {
        const { limit, offset, ...filter } = query;
        return s.deadlines.list(user, filter, { limit, offset });
      },
    }),
    route({
      method: 'get',
      path: '/api/deadlines/:id',
      summary: 'One deadline',
      tags: ['deadlines'],
      permission: 'deadline.read',
      params: deadlineParams,
      response: deadlineSchema,
      handler: ({ user, params }) => s.deadlines.get(user, params.id),
    }),
  ];
}
