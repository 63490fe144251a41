// Reading the records of use, each through the caller's scope (out of scope answers 404 like
// absent): requests (申请单 with applicants and opinions), the 查阅登记簿 and the 复制登记 of an
// archive office, loans, and the viewing grants a user holds (for the reading room, issue 9).
//   archivists and chiefs — their own office's records; auth_leader — the offices under them;
//   applicants — the requests they are on and their loans; unit heads — their unit's requests and loans.
// Nobody sees records about a cadre they must avoid (self, relative, avoidance list).
// Every read is audited: a list with its counts only, one record with its id, a refusal as `denied`.
import type { Db, Q } from '../db.ts';
import { parseJson } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AccessRules } from '../access/rules.ts';
import type { AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as records from './records-store.ts';
import type { Page, RecordScope } from './records-store.ts';
import * as store from './store.ts';
import { pageViewCounts } from '../reading/store.ts';
import { categoryScans, type CategoryScans } from './digitisation.ts';
import { listCategories } from '../archives/catalog-store.ts';
import { plannedDayPassed } from './kit.ts';
import { archivePlace, pendingBatches, type ArchivePlace } from './availability.ts';
import { approvalDto, copyDto, grantDto, loanDetailDto, loanDto, registerDto, requestDto } from './dto.ts';

type CopyFilter = { custodianOrgId?: number; disposition?: 'open' | 'filed' | 'destroyed'; requestId?: number };

export class RequestRecords {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly access: AccessRules,
    private readonly audit: AuditLog,
  ) {}

  /** A list read: what was asked for (filters, never free text) and how much came back. */
  private async listed(user: SessionUser, ip: string | null, action: string, filters: Record<string, unknown>, total: number, returned: number) {
    const detail: Record<string, unknown> = { total, returned };
    for (const [k, v] of Object.entries(filters)) if (v !== undefined) detail[k] = v;
    await this.audit.record(null, { actor: user, ip, action, objectType: action.split('.')[0], detail });
  }

  /** One record read, or refused (absent or out of scope: the same 404, told apart nowhere). */
  private async viewed(user: SessionUser, ip: string | null, kind: 'request' | 'loan', id: number, found: boolean) {
    await this.audit.record(null, { actor: user, ip, action: `${kind}.view`, objectType: kind, objectId: id, ...(found ? {} : { outcome: 'denied' as const, detail: { reason: 'absent_or_out_of_scope' } }) });
  }

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

  /**
   * What of an electronic consultation's categories is digitised, for those who approve and grant
   * it: the archive office and the leaders above it (their scope's offices). Applicants and unit
   * heads, who may not read the catalogue before a grant, get null, as every other request does.
   */
  private async digitisation(scope: RecordScope, r: records.RequestListRow, categories?: Awaited<ReturnType<typeof listCategories>>): Promise<CategoryScans[] | null> {
    if (r.mode !== 'electronic' || !scope.offices.includes(r.custodian_org_id as number)) return null;
    return categoryScans(this.db, r.archive_id as number, parseJson<string[]>(r.categories as string | null, []), categories);
  }

  /**
   * The planned day has passed while the request still awaits approval: said to those who arrange
   * the reading (the archive office and the leaders above it), so the approver knows the applicants
   * need another day. The applicants learn it from the approval mail (borrowing.ts, the same rule).
   */
  private plannedDayPassed(scope: RecordScope, r: records.RequestListRow): boolean {
    return r.status === 'in_review' && scope.offices.includes(r.custodian_org_id as number) && plannedDayPassed(r.view_from as string | null, this.clock.now());
  }

  /**
   * Where the archive stands, for those who approve and carry out a use still ahead (in review or
   * approved): the archive office and the leaders above it. The task page warns when it is not on the
   * office's shelf (借出, 转出中, held by another office …) before the archivist registers an on-site
   * reading or lends it (availability.ts, the same rule). Null for everyone else and for finished requests.
   */
  private async archivePlaces(scope: RecordScope, rows: records.RequestListRow[]): Promise<Map<number, ArchivePlace>> {
    const concerned = rows.filter((r) => ['in_review', 'approved'].includes(r.status as string) && scope.offices.includes(r.custodian_org_id as number));
    if (!concerned.length) return new Map();
    const archives = await this.db('archives').whereIn('id', [...new Set(concerned.map((r) => r.archive_id as number))]).select('id', 'status', 'custodian_org_id');
    const byId = new Map(archives.map((a: { id: number; status: string; custodian_org_id: number }) => [a.id, a]));
    const batches = await pendingBatches(this.db, [...byId.keys()]);
    return new Map(concerned.map((r) => [r.id as number, archivePlace(byId.get(r.archive_id as number)!, r.custodian_org_id as number, batches.get(`${r.archive_id}:${r.custodian_org_id}`) ?? null)]));
  }

  async listRequests(user: SessionUser, ip: string | null, f: { kind?: string; status?: string; instanceId?: string }, page: Page) {
    const scope = await this.scope(this.db, user);
    const { rows, total } = await records.listRequests(this.db, scope, f, page);
    const places = await this.archivePlaces(scope, rows);
    const applicants = await store.applicantsOf(this.db, rows.map((r) => r.id));
    const scans = new Map<number, CategoryScans[] | null>();
    // The catalogue's categories once for the page, not once per electronic request.
    const categories = rows.some((r) => r.mode === 'electronic') ? await listCategories(this.db) : undefined;
    for (const r of rows) scans.set(r.id as number, await this.digitisation(scope, r, categories));
    await this.listed(user, ip, 'request.list', f, total, rows.length);
    return { total, items: rows.map((r) => requestDto(r, applicants, scans.get(r.id as number) ?? null, this.plannedDayPassed(scope, r), places.get(r.id as number) ?? null)) };
  }

  async getRequest(user: SessionUser, ip: string | null, id: number) {
    const scope = await this.scope(this.db, user);
    const row = await records.findRequestInScope(this.db, scope, id);
    await this.viewed(user, ip, 'request', id, !!row);
    if (!row) throw errors.notFound('Request');
    const [applicants, approvals, entry, loan, copies] = await Promise.all([
      store.applicantsOf(this.db, [row.id]),
      store.approvalsOf(this.db, row.id),
      store.registerEntryOf(this.db, row.id),
      store.loanOfRequest(this.db, row.id),
      store.copiesOf(this.db, row.id),
    ]);
    return {
      ...requestDto(row, applicants, await this.digitisation(scope, row), this.plannedDayPassed(scope, row), (await this.archivePlaces(scope, [row])).get(row.id as number) ?? null),
      approvals: approvals.map(approvalDto),
      registerEntryId: entry?.id ?? null,
      loanId: loan?.id ?? null,
      copyCount: copies.length,
    };
  }

  async readingRegister(user: SessionUser, ip: string | null, f: records.RegisterFilter, page: Page) {
    const { rows, total } = await records.listRegister(this.db, await this.officeScope(user, f.custodianOrgId), f, page);
    // How many pages the readers of each electronic entry looked at in the reading room (page_views);
    // an on-site reading or a loan is read from paper, where no page is counted (null, not 0).
    const views = await pageViewCounts(this.db, rows.filter((e) => e.mode === 'electronic').map((e) => e.request_id as number));
    // The typed text is not kept (filters only, never free text): that there was one is.
    const { q, ...filters } = f;
    await this.listed(user, ip, 'reading_register.list', { ...filters, searched: q ? true : undefined }, total, rows.length);
    return { total, items: rows.map((e) => ({ ...registerDto(e), pageViews: e.mode === 'electronic' ? (views.get(e.request_id as number) ?? 0) : null })) };
  }

  async copyRegister(user: SessionUser, ip: string | null, f: CopyFilter, page: Page) {
    const { rows, total } = await records.listCopies(this.db, await this.officeScope(user, f.custodianOrgId), f, page);
    await this.listed(user, ip, 'copy_register.list', f, total, rows.length);
    return { total, items: rows.map(copyDto) };
  }

  /**
   * One request's register rows, without an audit row, for a caller that has already checked the
   * reader against the request (its office or its applicants, never tied to its cadre) and audits
   * the read its own way: the request's own office book, narrowed to the request.
   */
  async copyRowsOfRequest(request: Pick<store.RequestRow, 'id' | 'custodian_org_id'>, page: Page) {
    const scope: RecordScope = { userId: -1, orgUnitId: -1, offices: [request.custodian_org_id], unitHead: false, excluded: [] };
    const { rows, total } = await records.listCopies(this.db, scope, { requestId: request.id }, page);
    return { total, items: rows.map(copyDto) };
  }

  async listLoans(user: SessionUser, ip: string | null, state: 'current' | 'overdue' | 'past' | 'all', page: Page) {
    const now = iso(this.clock.now());
    const { rows, total } = await records.listLoans(this.db, await this.scope(this.db, user), { state, now }, page);
    await this.listed(user, ip, 'loan.list', { state }, total, rows.length);
    return { now, total, items: rows.map((l) => loanDto(l, now)) };
  }

  async canReadLoan(q: Q, user: SessionUser, id: number): Promise<boolean> {
    return !!(await records.findLoanInScope(q, await this.scope(q, user), id));
  }

  async getLoan(user: SessionUser, ip: string | null, id: number) {
    const row = await records.findLoanInScope(this.db, await this.scope(this.db, user), id);
    await this.viewed(user, ip, 'loan', id, !!row);
    if (!row) throw errors.notFound('Loan');
    const [renewals, notices, lossReport] = await Promise.all([store.renewalsOf(this.db, id), store.noticesOf(this.db, id), store.lossReportOf(this.db, id)]);
    return loanDetailDto(row, iso(this.clock.now()), { renewals, notices, lossReport });
  }

  /**
   * The viewing grants the user holds through requests: what the reading room opens. A grant on a
   * cadre the user must now avoid (self, a relative, an avoidance entry added after the grant) is
   * left out, current or all: every read of it answers 404, so the 阅档室 must not offer it.
   */
  async myGrants(user: SessionUser, state: 'current' | 'all') {
    const now = iso(this.clock.now());
    const excluded = new Set(await this.access.excludedCadreIds(this.db, user.id));
    const rows = (await records.grantsOf(this.db, user.id, now, state === 'current')).filter((g) => !excluded.has(g.cadre_id as number));
    return { now, items: rows.map((g) => grantDto(g, now)) };
  }
}
