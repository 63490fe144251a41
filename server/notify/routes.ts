// HTTP routes of notifications: every user's own settings; the outbox for the system administrator.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import { mailDetailSchema, mailParams, mailSchema, outboxList, outboxQuery, progressBody, progressResult, retryAllResult, settingsBody, settingsSchema } from './schema.ts';

export function notifyRoutes(s: Services) {
  return [
    route({
      method: 'get',
      path: '/api/me/notification-settings',
      summary: 'My notification settings',
      tags: ['notifications'],
      permission: 'authenticated',
      response: settingsSchema,
      handler: ({ user }) => s.notifySettings.get(user.id),
    }),
    route({
      method: 'put',
      path: '/api/me/notification-settings',
      summary: 'Change my notification settings',
      description: 'Turning a deadline warning off answers 422 RULE_VIOLATION (rule mandatory_notice). Turning the digest off sends what it held at once.',
      tags: ['notifications'],
      permission: 'authenticated',
      body: settingsBody,
      response: settingsSchema,
      handler: ({ user, ip, body }) => s.notifySettings.update(user, ip, body),
    }),
    route({
      method: 'get',
      path: '/api/admin/outbox',
      summary: 'The mail outbox: waiting, sent, failed (incident) and refused messages',
      tags: ['notifications'],
      permission: 'outbox.read',
      query: outboxQuery,
      response: outboxList,
      handler: ({ user, ip, query }) => s.outbox.list(user, ip, query),
    }),
    route({
      method: 'post',
      path: '/api/admin/outbox/retry-incidents',
      summary: 'Send every failed message (incident) again, in one audited action',
      description: 'Each to its recipient’s current address; one whose recipient has no allowed address now, or is disabled, stays an incident and is listed in `skipped` with why. Audited `outbox.retry_all` (counts).',
      tags: ['notifications'],
      permission: 'outbox.retry',
      response: retryAllResult,
      handler: ({ user, ip }) => s.outbox.retryIncidents(user, ip),
    }),
    route({
      method: 'post',
      path: '/api/admin/outbox/progress',
      summary: 'How many of these messages are in each status (the progress of a retry)',
      tags: ['notifications'],
      permission: 'outbox.read',
      body: progressBody,
      response: progressResult,
      handler: ({ body }) => s.outbox.progress(body.ids),
    }),
    route({
      method: 'get',
      path: '/api/admin/outbox/:id',
      summary: 'One message with its text',
      tags: ['notifications'],
      permission: 'outbox.read',
      params: mailParams,
      response: mailDetailSchema,
      handler: ({ user, ip, params }) => s.outbox.view(user, ip, params.id),
    }),
    route({
      method: 'post',
      path: '/api/admin/outbox/:id/retry',
      summary: 'Send a failed or refused message again, to the recipient\'s current address',
      tags: ['notifications'],
      permission: 'outbox.retry',
      params: mailParams,
      response: mailSchema,
      handler: ({ user, ip, params }) => s.outbox.retry(user, ip, params.id),
    }),
  ];
}
