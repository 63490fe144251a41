// HTTP routes of 转递: position changes, transfer orders (list, one, slip), the paper receipt and the
// paper return of a receiver outside Dangan, and the 名册. Thin: parse, call one service function.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

export function transferRoutes(s: Services) {
  const t = s.transfers;
  const tags = ['transfers'];
  return [
    route({
      method: 'post',
      path: '/api/cadres/:id/position-changes',
      summary: 'Record a position change (任免/调动) of a cadre held by my office',
      description:
        'Updates unit, post and management level (basis: the notice 文号). When the custody ranges put the cadre under another archive office in Dangan, the transfer-out case starts with the 2-month limit counted from the notice date; `transfer` names it. `newCustodian: null`: no range covers the new position — start a transfer by hand.',
      tags,
      permission: 'transfer.record',
      params: S.idParams,
      body: S.positionChangeBody,
      response: S.positionChangeResult,
      status: 201,
      handler: ({ user, ip, params, body }) => t.recordPositionChange(user, ip, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/cadres/:id/position-changes',
      summary: 'Position changes recorded for a cadre held by my office',
      tags,
      permission: 'transfer.record',
      params: S.idParams,
      handler: ({ user, params }) => t.positionChanges(user, params.id),
    }),
    route({
      method: 'get',
      path: '/api/transfers',
      summary: 'Transfer orders of my office: out (sent by it) and in (received by it), newest first',
      tags,
      permission: 'transfer.read',
      query: S.orderQuery,
      response: S.orderList,
      handler: ({ user, query }) => {
        const { limit, offset, ...filter } = query;
        return t.list(user, filter, { limit, offset });
      },
    }),
    route({
      method: 'get',
      path: '/api/transfers/:id',
      summary: 'One transfer order with its approvals (转出审批单), chase records, returns and receipt (audited)',
      tags,
      permission: 'transfer.read',
      params: S.idParams,
      response: S.orderDetail,
      handler: ({ user, ip, params }) => t.get(user, ip, params.id),
    }),
    route({
      method: 'get',
      path: '/api/transfers/by-case/:instanceId',
      summary: 'The transfer order of a transfer or transfer-in case, as on /transfers/:id (audited)',
      description: 'For the case page: what the approvers decide on (counts, 转出审批单) and the returns the sender must put right. 404 when the reader does not see the order.',
      tags,
      permission: 'transfer.read',
      params: S.caseParams,
      response: S.orderDetail,
      handler: ({ user, ip, params }) => t.ofCase(user, ip, params.instanceId),
    }),
    route({
      method: 'get',
      path: '/api/transfers/:id/slip',
      summary: 'The transfer slip (转递单: 存根, 正文, 回执) for printing (audited)',
      tags,
      permission: 'transfer.read',
      params: S.idParams,
      response: S.slipSchema,
      handler: ({ user, ip, params }) => t.slip(user, ip, params.id),
    }),
    route({
      method: 'post',
      path: '/api/transfers/:id/receipt',
      summary: 'Record the paper receipt (回执) of a receiver outside Dangan',
      description: 'Only for a sent order whose receiver does not work in Dangan (else 422 receipt_in_dangan); the case closes and the archive leaves the 名册.',
      tags,
      permission: 'transfer.record',
      params: S.idParams,
      body: S.receiptBody,
      response: S.orderSummary,
      handler: ({ user, ip, params, body }) => t.recordPaperReceipt(user, ip, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/transfers/:id/return',
      summary: 'Record that a receiver outside Dangan sent the archive back as defective',
      description: 'The case goes back to preparation; the archive is in stock again until it is re-sent.',
      tags,
      permission: 'transfer.record',
      params: S.idParams,
      body: S.returnBody,
      response: S.orderSummary,
      handler: ({ user, ip, params, body }) => t.recordPaperReturn(user, ip, params.id, body),
    }),
    route({
      method: 'get',
      path: '/api/roster',
      summary: '名册: the archives my office holds (transferred ones have left it)',
      tags,
      permission: 'transfer.read',
      query: S.rosterQuery,
      response: S.rosterList,
      handler: ({ user, query }) => t.roster(user, query.officeId, { limit: query.limit, offset: query.offset }),
    }),
  ];
}

