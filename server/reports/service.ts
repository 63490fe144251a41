// 统计分析 (DOMAIN.md §5, the consolidated module list): what an archive office holds and what it
// did in a year — 库存 by status and management level, 数字化进度, 利用 (查阅/借阅/复制/摘录) by
// outcome, 转递 out and in, 材料收集 with the late hand-overs, 专项审核 合格/不合格. For the office's archivists and
// chief, and for the leaders above it (their offices together, or one of them).
//
// Counts only: no cadre is named, so the avoidance list does not narrow them (a count of the
// office's holdings reveals nothing about one person). Every read is audited like any other view.
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { AccessRules } from '../access/rules.ts';
import type { SessionUser } from '../people/sessions.ts';
import { ARCHIVE_STATUSES, DIGITAL_STATUSES, DIGITISED_STATUSES, GONE, MANAGEMENT_LEVELS, type DigitalStatus } from '../archives/codes.ts';
import { IN_STATUSES, OUT_STATUSES } from '../transfers/codes.ts';
import { INTAKE_STATUSES } from '../materials/codes.ts';
import { beijingDay, startOfBeijingDay } from '../notify/beijing.ts';
import * as store from './store.ts';
import { summaryCsv } from './csv.ts';

type SummaryQuery = { year?: number; custodianOrgId?: number };

type Labels = Record<string, { zh: string; en: string }>;

const REQUEST_KINDS: Labels = {
  consult: { zh: '查阅', en: 'Consultation' },
  loan: { zh: '借阅', en: 'Loan' },
  copy: { zh: '复制', en: 'Copy' },
  extract: { zh: '摘录', en: 'Extract' },
};

/** A Beijing calendar year as [from, to) in UTC ISO strings. */
function yearBounds(year: number): { from: string; to: string } {
  const start = (y: number) => startOfBeijingDay(`${y}-01-01`).toISOString();
  return { from: start(year), to: start(year + 1) };
}

/** Every code of the table in its order, with the counts found (unknown codes last). */
function labelled(table: Labels, rows: Array<{ key: string; n: number }>) {
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.key, (counts.get(r.key) ?? 0) + r.n);
  const known = Object.entries(table).map(([code, l]) => ({ code, zh: l.zh, en: l.en, n: counts.get(code) ?? 0 }));
  const other = [...counts].filter(([code]) => !table[code]).map(([code, n]) => ({ code, zh: code, en: code, n }));
  return [...known, ...other];
}

const sum = (rows: Array<{ n: number }>) => rows.reduce((a, r) => a + r.n, 0);

/** 专项审核: the reviews confirmed in the year, 合格 and 不合格 (of these, by a veto), their mean score; those under way now. */
function reviewFigures(r: Awaited<ReturnType<typeof store.reviewCounts>>) {
  const confirmed = sum(r.confirmed);
  const points = r.confirmed.reduce((a, x) => a + x.points, 0);
  return {
    confirmed,
    passed: sum(r.confirmed.filter((x) => x.passed)),
    failed: sum(r.confirmed.filter((x) => !x.passed)),
    vetoed: sum(r.confirmed.filter((x) => x.vetoed)),
    meanScore: confirmed ? Math.round((points / confirmed) * 10) / 10 : null,
    underWay: r.underWay,
  };
}

export class ReportsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly audit: AuditLog,
    private readonly access: AccessRules,
  ) {}

  summary(user: SessionUser, ip: string, query: SummaryQuery) {
    return this.figures(user, ip, query, 'report.read');
  }

  /** The same figures as a CSV document for a spreadsheet (audited as report.export). */
  async summaryCsv(user: SessionUser, ip: string, query: SummaryQuery) {
    const figures = await this.figures(user, ip, query, 'report.export');
    return { year: figures.year, csv: summaryCsv(figures) };
  }

  private async figures(user: SessionUser, ip: string, query: SummaryQuery, action: string) {
    const offices = await this.access.custodianOffices(this.db, user);
    const one = query.custodianOrgId;
    if (one !== undefined && !offices.includes(one)) {
      await this.audit.record(null, { actor: user, ip, action, objectType: 'org_unit', objectId: one, outcome: 'denied', detail: { reason: 'out_of_scope' } });
      throw errors.notFound('Archive office');
    }
    const chosen = one !== undefined ? [one] : offices;
    // Holdings, digitisation and the reviews under way are the present state, counted today, for any
    // year: the register keeps no past state to count them at a year's end (an imported archive
    // carries the day it was imported, not the day it came to the office). The figures say so (asOf).
    const asOf = beijingDay(this.clock.now());
    const year = query.year ?? Number(asOf.slice(0, 4));
    const { from, to } = yearBounds(year);

    const archives = await store.archiveCounts(this.db, chosen, GONE);
    const requests = await store.requestCounts(this.db, chosen, from, to);
    const transfers = await store.transferCounts(this.db, chosen, from, to);
    const intakes = await store.intakeCounts(this.db, chosen, from, to);
    const reviews = await store.reviewCounts(this.db, chosen, from, to);
    const names = await store.officeNames(this.db, offices);

    const held = archives.byStatus.filter((r) => !GONE.includes(r.key));
    const byKind = Object.entries(REQUEST_KINDS).map(([code, l]) => {
      const rows = requests.filter((r) => r.kind === code);
      const of = (...statuses: string[]) => sum(rows.filter((r) => statuses.includes(r.status)));
      const total = sum(rows);
      const closed = of('closed');
      const rejected = of('rejected');
      const withdrawn = of('withdrawn');
      return { code, zh: l.zh, en: l.en, total, open: total - closed - rejected - withdrawn, closed, rejected, withdrawn };
    });
    const direction = (d: 'out' | 'in') => {
      const rows = transfers.filter((r) => r.direction === d).map((r) => ({ key: r.status, n: r.n }));
      return { total: sum(rows), byStatus: labelled(d === 'out' ? OUT_STATUSES : IN_STATUSES, rows) };
    };

    const result = {
      year,
      asOf,
      custodianOrgId: one ?? null,
      offices: names,
      holdings: {
        total: sum(archives.byStatus),
        held: sum(held),
        // Digitisation counts the held archives: those gone elsewhere are no longer the office's work.
        digitised: sum(archives.byDigital.filter((r) => DIGITISED_STATUSES.includes(r.key as DigitalStatus))),
        byStatus: labelled(ARCHIVE_STATUSES, archives.byStatus),
        byLevel: labelled(MANAGEMENT_LEVELS, archives.byLevel),
        byDigital: labelled(DIGITAL_STATUSES, archives.byDigital),
      },
      use: { total: sum(requests), byKind },
      transfers: { out: direction('out'), in: direction('in') },
      materials: {
        total: sum(intakes),
        late: sum(intakes.filter((r) => r.late)),
        byStatus: labelled(INTAKE_STATUSES, intakes.map((r) => ({ key: r.status, n: r.n }))),
      },
      reviews: reviewFigures(reviews),
    };
    await this.audit.record(null, { actor: user, ip, action, objectType: 'report', objectId: 'summary', detail: { year, offices: chosen } });
    return result;
  }
}

export type Summary = Awaited<ReturnType<ReportsService['summary']>>;
