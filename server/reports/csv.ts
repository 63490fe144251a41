// 统计分析 as CSV: the summary's figures one per row (section, item, count), Chinese first with the
// English beside it, for the office's year-end report in a spreadsheet.
import { csvDocument } from '../shared/csv.ts';
import type { Summary } from './service.ts';

type Row = [section: string, item: string, count: number];
type Counted = Array<{ zh: string; en: string; n: number }>;

const each = (section: string, rows: Counted): Row[] => rows.map((r) => [section, r.zh === r.en ? r.zh : `${r.zh} ${r.en}`, r.n]);

export function summaryCsv(s: Summary): string {
  const scope = s.custodianOrgId === null ? s.offices.map((o) => o.name).join('、') : (s.offices.find((o) => o.id === s.custodianOrgId)?.name ?? '');
  const h = s.holdings;
  // Holdings and digitisation are counted today, not at the end of the year in the title: every such
  // row says so, so that a row copied out of the sheet still does.
  const now = { zh: `当前（截至 ${s.asOf}）`, en: `current (as of ${s.asOf})` };
  const current = (zh: string, en: string) => `${zh}·${now.zh} ${en} · ${now.en}`;
  const rows: Row[] = [
    [current('库存', 'Holdings'), '档案总数 All archives', h.total],
    [current('库存', 'Holdings'), '在管 Held', h.held],
    ...each(current('库存·按状态', 'Holdings by status'), h.byStatus),
    ...each(current('库存·按管理层次', 'Held by management level'), h.byLevel),
    [current('数字化', 'Digitisation'), '已数字化或已验收 Digitised or verified', h.digitised],
    ...each(current('数字化', 'Digitisation'), h.byDigital),
    ['利用 Use', '申请总数 All requests', s.use.total],
    ...s.use.byKind.flatMap((k): Row[] => {
      const section = `利用·${k.zh} Use · ${k.en}`;
      return [
        [section, '申请 Filed', k.total],
        [section, '在办 Open', k.open],
        [section, '办结 Closed', k.closed],
        [section, '未批准 Not approved', k.rejected],
        [section, '撤回 Withdrawn', k.withdrawn],
      ];
    }),
    ['转递 Transfers', '转出 Out', s.transfers.out.total],
    ...each('转出 Transfers out', s.transfers.out.byStatus),
    ['转递 Transfers', '转入 In', s.transfers.in.total],
    ...each('转入 Transfers in', s.transfers.in.byStatus),
    ['材料收集 Material intake', '登记 Registered', s.materials.total],
    ['材料收集 Material intake', '逾期移交 Handed over late', s.materials.late],
    ...each('材料收集 Material intake', s.materials.byStatus),
    ['专项审核 Archive reviews', '认定 Confirmed', s.reviews.confirmed],
    ['专项审核 Archive reviews', '合格 Passed', s.reviews.passed],
    ['专项审核 Archive reviews', '不合格 Failed', s.reviews.failed],
    ['专项审核 Archive reviews', '其中单项否决 Failed by a veto item', s.reviews.vetoed],
    ...(s.reviews.meanScore === null ? [] : [['专项审核 Archive reviews', '平均得分（百分制） Mean score (of 100)', s.reviews.meanScore] as Row]),
    ['专项审核 Archive reviews', `进行中·${now.zh} Under way · ${now.en}`, s.reviews.underWay],
  ];
  return csvDocument([[`统计分析 Statistics ${s.year}`, scope], [], ['部分 Section', '项目 Item', '数量 Count'], ...rows]);
}
