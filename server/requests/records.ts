// Reading the records of use, each through the caller's scope (out of scope answers 404 like
// absent): requests (申请单 with applicants and opinions), the 查阅登记簿 and the 复制登记 of an
// archive office, loans, and the viewing grants a user holds (for the reading room, issue 9).
//   archivists and chiefs — their own office's records; auth_leader — the offices under them;
//   applicants — the requests they are on and their loans; unit heads — their unit's requests and loans.
// Nobody sees records about a cadre they must avoid (self, relative, avoidance list).
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AccessRules } from '../access/rules.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as records from './records-store.ts';
import type { Page, RecordScope } from './records-store.ts';
import * as store from './store.ts';
import { pageViewCounts } from '../reading/store.ts';
import { approvalDto, copyDto, grantDto, loanDetailDto, loanDto, registerDto, requestDto } from './dto.ts';

export class RequestRecords {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: AccessRules,
  ) {}

  async scope(q: Q, user: SessionUser): Promise<RecordScope> {
    return {
      userId: user.id,
      orgUnitId: user.orgUnitId,
      offices: await this.access.custodianOffices(q, user),
      unitHead: user.roles.includes('unit_head'),
      excluded: await this.access.excludedCadreIds(q, user.id),
    };
  }

  /** The book of an office: only for its own staff and the leaders above it. */
  private async officeScope(user: SessionUser, custodianOrgId?: number): Promise<RecordScope> {
    const s = await this.scope(this.db, user);
    if (custodianOrgId !== undefined && !s.offices.includes(custodianOrgId)) throw errors.notFound('Archive office');
    return s;
  }

  async colleagues(user: SessionUser) {
    return (await records.colleagues(this.db, user.id)).map((u) => ({ id: u.id, name: u.display_name }));
  }

  async listRequests(user: SessionUser, f: { kind?: string; status?: string; instanceId?: string }, page: Page) {
    const { rows, total } = await records.listRequests(this.db, await this.scope(this.db, user), f, page);
    const applicants = await store.applicantsOf(this.db, rows.map((r) => r.id));
    return { total, items: rows.map((r) => requestDto(r, applicants)) };
  }

  async getRequest(user: SessionUser, id: number) {
    const row = await records.findRequestInScope(this.db, await this.scope(this.db, user), id);
    if (!row) throw errors.notFound('Request');
    const [applicants, approvals, entry, loan, copies] = await Promise.all([
      store.applicantsOf(this.db, [row.id]),
      store.approvalsOf(this.db, row.id),
      store.registerEntryOf(this.db, row.id),
      store.loanOfRequest(this.db, row.id),
      store.copiesOf(this.db, row.id),
    ]);
    return {
      ...requestDto(row, applicants),
      approvals: approvals.map(approvalDto),
      registerEntryId: entry?.id ?? null,
      loanId: loan?.id ?? null,
      copyCount: copies.length,
    };
  }

  async readingRegister(user: SessionUser, f: { custodianOrgId?: number; from?: string; to?: string }, page: Page) {
    const { rows, total } = await records.listRegister(this.db, await this.officeScope(user, f.custodianOrgId), f, page);
    // How many pages the readers of each entry looked at in the reading room (page_views).
    const views = await pageViewCounts(this.db, rows.map((e) => e.request_id as number));
    return { total, items: rows.map((e) => ({ ...registerDto(e), pageViews: views.get(e.request_id as number) ?? 0 })) };
  }

  async copyRegister(user: SessionUser, f: { custodianOrgId?: number; disposition?: 'open' | 'filed' | 'destroyed'; requestId?: number }, page: Page) {
    const { rows, total } = await records.listCopies(this.db, await this.officeScope(user, f.custodianOrgId), f, page);
    return { total, items: rows.map(copyDto) };
  }

  async listLoans(user: SessionUser, state: 'current' | 'overdue' | 'past' | 'all', page: Page) {
    const now = iso(this.clock.now());
    const { rows, total } = await records.listLoans(this.db, await this.scope(this.db, user), { state, now }, page);
    return { now, total, items: rows.map((l) => loanDto(l, now)) };
  }

  async canReadLoan(q: Q, user: SessionUser, id: number): Promise<boolean> {
    return !!(await records.findLoanInScope(q, await this.scope(q, user), id));
  }

  async getLoan(user: SessionUser, id: number) {
    const row = await records.findLoanInScope(this.db, await this.scope(this.db, user), id);
    if (!row) throw errors.notFound('Loan');
    const [renewals, notices, lossReport] = await Promise.all([store.renewalsOf(this.db, id), store.noticesOf(this.db, id), store.lossReportOf(this.db, id)]);
    return loanDetailDto(row, iso(this.clock.now()), { renewals, notices, lossReport });
  }

  /** The viewing grants the user holds through requests: what the reading room opens. */
  async myGrants(user: SessionUser, state: 'current' | 'all') {
    const now = iso(this.clock.now());
    const rows = await records.grantsOf(this.db, user.id, now, state === 'current');
    return { now, items: rows.map((g) => grantDto(g, now)) };
  }
}
