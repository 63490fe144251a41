// HTTP routes of 利用: the records the borrowing and copy processes produce (申请单, 查阅登记簿,
// loans, 复制登记, viewing grants), the borrower's renewal request, and the co-applicant picker.
// Thin: each parses with its schema and calls one function; scope is decided in records.ts.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import {
  colleagueList,
  copyList,
  copyQuery,
  grantList,
  grantQuery,
  idParams,
  loanDetail,
  loanList,
  loanQuery,
  registerList,
  registerQuery,
  renewalAnswer,
  renewalBody,
  requestDetail,
  requestList,
  requestQuery,
} from './schema.ts';

export function requestRoutes(s: Services) {
  const r = s.requests.records;
  return [
    route({
      method: 'get',
      path: '/api/requests',
      summary: 'Requests to use an archive (查阅/借阅, 复制/摘录) in my scope, newest first',
      description: 'Archive office staff: their office’s requests; auth_leader: the offices under them; applicants: the requests they are on; unit heads: their unit’s.',
      tags: ['requests'],
      permission: 'request.read',
      query: requestQuery,
      response: requestList,
      handler: ({ user, ip, query }) => {
        const { limit, offset, ...f } = query;
        return r.listRequests(user, ip, f, { limit, offset });
      },
    }),
    route({
      method: 'get',
      path: '/api/requests/:id',
      summary: 'One request (申请单): applicants, purpose, categories or materials, window, approval opinions',
      tags: ['requests'],
      permission: 'request.read',
      params: idParams,
      response: requestDetail,
      handler: ({ user, ip, params }) => r.getRequest(user, ip, params.id),
    }),
    route({
      method: 'get',
      path: '/api/reading-register',
      summary: '查阅登记簿 of the archive offices in my scope, latest first',
      tags: ['requests'],
      permission: 'register.read',
      query: registerQuery,
      response: registerList,
      handler: ({ user, ip, query }) => {
        const { limit, offset, ...f } = query;
        return r.readingRegister(user, ip, f, { limit, offset });
      },
    }),
    route({
      method: 'get',
      path: '/api/copy-register',
      summary: '复制登记: one row per certified copy or extract, with its disposition',
      description: 'disposition=open lists the copies whose filing or destruction the using unit has not reported yet.',
      tags: ['requests'],
      permission: 'register.read',
      query: copyQuery,
      response: copyList,
      handler: ({ user, ip, query }) => {
        const { limit, offset, ...f } = query;
        return r.copyRegister(user, ip, f, { limit, offset });
      },
    }),
    route({
      method: 'get',
      path: '/api/loans',
      summary: 'Loans of paper archives in my scope: current (default), overdue, past or all; soonest due first',
      tags: ['requests'],
      permission: 'loan.read',
      query: loanQuery,
      response: loanList,
      handler: ({ user, ip, query }) => r.listLoans(user, ip, query.state, { limit: query.limit, offset: query.offset }),
    }),
    route({
      method: 'get',
      path: '/api/loans/:id',
      summary: 'One loan: the 出借清单 snapshot, renewals, reminders sent, and the loss report if any',
      tags: ['requests'],
      permission: 'loan.read',
      params: idParams,
      response: loanDetail,
      handler: ({ user, ip, params }) => r.getLoan(user, ip, params.id),
    }),
    route({
      method: 'post',
      path: '/api/loans/:id/renewal',
      summary: '申请续借: the borrower asks for more days before the due date; the case goes back to approval',
      description: 'Refused with 422 RULE_VIOLATION renewal-after-due (already due) or renewal-days (more than MAX_LOAN_DAYS); 409 RENEWAL_PENDING while one is being decided, LOAN_NOT_OUT once returned.',
      tags: ['requests'],
      permission: 'loan.renew',
      params: idParams,
      body: renewalBody,
      response: renewalAnswer,
      status: 201,
      handler: ({ user, ip, params, body }) => s.requests.requestRenewal(user, ip, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/me/grants',
      summary: 'The viewing grants I hold through approved requests (for the reading room): current (default) or all',
      tags: ['requests'],
      permission: 'grant.read',
      query: grantQuery,
      response: grantList,
      handler: ({ user, query }) => r.myGrants(user, query.state),
    }),
    route({
      method: 'get',
      path: '/api/lookups/co-applicants',
      summary: 'The applicants of my unit (me excepted): whom a request may name as co-applicants',
      tags: ['requests'],
      permission: 'colleague.read',
      response: colleagueList,
      handler: ({ user }) => r.colleagues(user),
    }),
  ];
}
