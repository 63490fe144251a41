// HTTP routes of 库房核对. Thin: parse, call one service function, answer.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

export function inventoryRoutes(s: Services) {
  const c = s.stockChecks;
  const tags = ['stock checks'];
  return [
    route({ method: 'get', path: '/api/stock-checks', summary: '库房核对: the stock checks of the caller’s archive offices, newest first', tags, permission: 'stock.read', query: S.listQuery, response: S.stockCheckList, handler: ({ user, ip, query }) => c.list(user, ip, query) }),
    route({
      method: 'post',
      path: '/api/stock-checks',
      summary: 'Open a stock check of an office: every archive the register has on the shelf, with its place now',
      description: 'One open check per office (409 STOCK_CHECK_OPEN). Archives away (借出, 数字化, 转出中) are counted in `away`, not checked.',
      tags,
      permission: 'stock.check',
      body: S.startBody,
      response: S.stockCheck,
      status: 201,
      handler: ({ user, ip, body }) => c.start(user, ip, body),
    }),
    route({ method: 'get', path: '/api/stock-checks/:id', summary: 'A stock check with its progress', tags, permission: 'stock.read', params: S.idParams, response: S.stockCheck, handler: ({ user, ip, params }) => c.get(user, ip, params.id) }),
    route({ method: 'get', path: '/api/stock-checks/:id/items', summary: 'The archives of a stock check, by place; filter by result or 档案号/name', tags, permission: 'stock.read', params: S.idParams, query: S.itemsQuery, response: S.stockItems, handler: ({ user, ip, params, query }) => c.items(user, ip, params.id, query) }),
    route({
      method: 'post',
      path: '/api/stock-checks/:id/marks',
      summary: 'Mark an archive, by its number, found (in its place, or elsewhere with `place`) or missing',
      description: 'An archive of the office not on the list (away when the check opened) is added when marked found; 422 RULE_VIOLATION not_in_check when the number is not the office’s, or such an archive is marked missing (the message says where the register has it); 409 STOCK_CHECK_CLOSED after closing. A later mark replaces an earlier one.',
      tags,
      permission: 'stock.check',
      params: S.idParams,
      body: S.markBody,
      response: S.markedItem,
      handler: ({ user, ip, params, body }) => c.mark(user, ip, params.id, body),
    }),
    route({
      method: 'post',
      path: '/api/stock-checks/:id/close',
      summary: 'Close a stock check (archive chief); a note is required when archives are left unchecked',
      tags,
      permission: 'stock.close',
      params: S.idParams,
      body: S.closeBody,
      response: S.stockCheck,
      handler: ({ user, ip, params, body }) => c.close(user, ip, params.id, body),
    }),
  ];
}
