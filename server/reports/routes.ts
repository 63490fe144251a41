// HTTP routes of 统计分析. Thin: parse, call one service function, answer.
import { route } from '../http/route.ts';
import type { Services } from '../services.ts';
import * as S from './schema.ts';

export function reportRoutes(s: Services) {
  return [
    route({
      method: 'get',
      path: '/api/reports/summary',
      summary: '统计分析: holdings, digitisation, use, transfers and material intake of the caller’s archive offices for a year (audited)',
      tags: ['reports'],
      permission: 'report.read',
      query: S.summaryQuery,
      response: S.summary,
      handler: ({ user, ip, query }) => s.reports.summary(user, ip, query),
    }),
  ];
}
