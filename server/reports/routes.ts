// HTTP routes of 统计分析. Thin: parse, call one service function, answer.
import { route } from '../http/route.ts';
import { beijingDay } from '../notify/beijing.ts';
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
    route({
      method: 'get',
      path: '/api/reports/summary.csv',
      summary: '统计分析 as CSV (section, item, count; UTF-8 with BOM) for a spreadsheet (audited as report.export)',
      tags: ['reports'],
      permission: 'report.read',
      query: S.summaryQuery,
      produces: 'text/csv',
      handler: async ({ user, ip, query }) => {
        const { year, csv } = await s.reports.summaryCsv(user, ip, query);
        const office = query.custodianOrgId === undefined ? 'all' : String(query.custodianOrgId);
        return {
          raw: csv,
          contentType: 'text/csv; charset=utf-8',
          headers: { 'Content-Disposition': `attachment; filename="report-${year}-${office}-${beijingDay(s.clock.now())}.csv"` },
        };
      },
    }),
  ];
}
