// SQL of the records' reads: requests, the reading register, loans, the copy register and a user's
// viewing grants, each through the caller's scope (RecordScope, decided in records.ts); and the
// co-applicant picker's list of colleagues.
import type { Knex } from 'knex';
import { likeEscape, type Q } from '../db.ts';
import { whereGrantStillHeld } from '../access/rules.ts';

export interface RecordScope {
  userId: number;
  orgUnitId: number;
  /** Custodian offices whose records the user reads (archivists, chiefs; leaders: the offices under them). */
  offices: number[];
  /** unit_head: the requests and loans of their own unit. */
  unitHead: boolean;
  /** Cadres the user may never see (self, relatives, avoidance). */
  excluded: number[];
}

export interface Page {
  limit: number;
  offset: number;
}

/** Active applicants of the user's unit, the user excepted. */
export async function colleagues(q: Q, userId: number): Promise<Array<{ id: number; display_name: string }>> {
  const me = await q('users').where({ id: userId }).first('org_unit_id');
  if (!me) return [];
  return q('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .where('u.org_unit_id', me.org_unit_id)
    .andWhere('r.role', 'applicant')
    .andWhere('u.disabled', false)
    .andWhereNot('u.id', userId)
    .orderBy('u.display_name')
    .select('u.id', 'u.display_name');
}

const REQUEST_COLUMNS = [
  'r.*',
  'c.name as cadre_name',
  'c.management_level as cadre_level',
  'a.archive_no',
  'o.name as custodian_name',
  'ro.name as requester_org_name',
  'u.display_name as initiator_name',
];

export type RequestListRow = Record<string, any>;

function requestBase(q: Q) {
  return q('utilization_requests as r')
    .join('cadres as c', 'c.id', 'r.cadre_id')
    .join('archives as a', 'a.id', 'r.archive_id')
    .join('org_units as o', 'o.id', 'r.custodian_org_id')
    .join('org_units as ro', 'ro.id', 'r.requester_org_id')
    .join('users as u', 'u.id', 'r.initiator_id');
}

/** Requests in scope: the offices' requests, the user's own (as an applicant), a unit head's unit's. */
function requestScope(q: Q, qb: Knex.QueryBuilder, s: RecordScope): Knex.QueryBuilder {
  qb.where((w) => {
    if (s.offices.length) w.orWhereIn('r.custodian_org_id', s.offices);
    w.orWhereExists(q('request_applicants as ap').whereRaw('ap.request_id = r.id').andWhere('ap.user_id', s.userId).select('ap.id'));
    if (s.unitHead) w.orWhere('r.requester_org_id', s.orgUnitId);
  });
  if (s.excluded.length) qb.whereNotIn('r.cadre_id', s.excluded);
  return qb;
}

export async function listRequests(
  q: Q,
  s: RecordScope,
  f: { kind?: string; status?: string; instanceId?: string },
  page: Page,
): Promise<{ rows: RequestListRow[]; total: number }> {
  const filtered = () => {
    const qb = requestScope(q, requestBase(q), s);
    if (f.kind) qb.where('r.kind', f.kind);
    if (f.status) qb.where('r.status', f.status);
    if (f.instanceId) qb.where('r.instance_id', f.instanceId);
    return qb;
  };
  const [{ n }] = await filtered().count({ n: '*' });
  const rows = await filtered().orderBy('r.id', 'desc').limit(page.limit).offset(page.offset).select(REQUEST_COLUMNS);
  return { rows, total: Number(n) };
}

export async function findRequestInScope(q: Q, s: RecordScope, id: number): Promise<RequestListRow | undefined> {
  return requestScope(q, requestBase(q), s).where('r.id', id).first(REQUEST_COLUMNS);
}

// -- reading register and copy register: the archive offices' books -----------------------------------

function officeBook(q: Q, table: string, s: RecordScope) {
  const qb = q(`${table} as e`)
    .join('utilization_requests as r', 'r.id', 'e.request_id')
    .join('cadres as c', 'c.id', 'r.cadre_id')
    .join('archives as a', 'a.id', 'e.archive_id')
    .join('org_units as ro', 'ro.id', 'r.requester_org_id')
    .whereIn('e.custodian_org_id', s.offices.length ? s.offices : [-1]);
  if (s.excluded.length) qb.whereNotIn('r.cadre_id', s.excluded);
  return qb;
}

/** The 查阅登记簿's filters: the office, the end of the reading (or loan) in [from, to), 申请号 or cadre name, the mode. */
export interface RegisterFilter {
  custodianOrgId?: number;
  from?: string;
  to?: string;
  q?: string;
  mode?: 'electronic' | 'onsite' | 'loan';
}

export async function listRegister(q: Q, s: RecordScope, f: RegisterFilter, page: Page): Promise<{ rows: RequestListRow[]; total: number }> {
  const filtered = () => {
    const qb = officeBook(q, 'reading_register', s);
    if (f.custodianOrgId) qb.where('e.custodian_org_id', f.custodianOrgId);
    if (f.from) qb.where('e.ended_at', '>=', f.from);
    if (f.to) qb.where('e.ended_at', '<', f.to);
    if (f.mode) qb.where('e.mode', f.mode);
    if (f.q) {
      // The rows are the office's already: the text only narrows its own book.
      const like = `%${likeEscape(f.q.toLowerCase())}%`;
      qb.where((w) => w.whereRaw(`lower(r.case_no) LIKE ? ESCAPE '\\'`, [like]).orWhereRaw(`c.name LIKE ? ESCAPE '\\'`, [like]));
    }
    return qb;
  };
  const [{ n }] = await filtered().count({ n: '*' });
  const rows = await filtered()
    .orderBy('e.ended_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(page.limit)
    .offset(page.offset)
    .select('e.*', 'r.case_no', 'r.instance_id', 'r.reason', 'c.name as cadre_name', 'a.archive_no', 'ro.name as requester_org_name');
  return { rows, total: Number(n) };
}

export async function listCopies(
  q: Q,
  s: RecordScope,
  f: { custodianOrgId?: number; disposition?: 'open' | 'filed' | 'destroyed'; requestId?: number },
  page: Page,
): Promise<{ rows: RequestListRow[]; total: number }> {
  const filtered = () => {
    const qb = officeBook(q, 'copy_records', s).join('users as cu', 'cu.id', 'e.certified_by');
    if (f.custodianOrgId) qb.where('e.custodian_org_id', f.custodianOrgId);
    if (f.disposition === 'open') qb.whereNull('e.disposition');
    else if (f.disposition) qb.where('e.disposition', f.disposition);
    if (f.requestId) qb.where('e.request_id', f.requestId);
    return qb;
  };
  const [{ n }] = await filtered().count({ n: '*' });
  const ordered = filtered();
  // The office's book: newest first. One request's copies: by their number (-01, -02, … -100).
  if (f.requestId) ordered.orderByRaw('length(e.serial_no), e.serial_no');
  else ordered.orderBy('e.id', 'desc');
  const rows = await ordered
    .limit(page.limit)
    .offset(page.offset)
    .select('e.*', 'r.cadre_id', 'r.case_no', 'r.instance_id', 'c.name as cadre_name', 'a.archive_no', 'ro.name as recipient_org_name', 'cu.display_name as certified_by_name');
  return { rows, total: Number(n) };
}

// -- loans ---------------------------------------------------------------------------------------------

function loanBase(q: Q, s: RecordScope) {
  const qb = q('loans as l')
    .join('utilization_requests as r', 'r.id', 'l.request_id')
    .join('cadres as c', 'c.id', 'r.cadre_id')
    .join('archives as a', 'a.id', 'l.archive_id')
    .join('users as b', 'b.id', 'l.borrower_id')
    .join('org_units as bo', 'bo.id', 'l.borrower_org_id')
    .where((w) => {
      if (s.offices.length) w.orWhereIn('l.custodian_org_id', s.offices);
      w.orWhere('l.borrower_id', s.userId);
      // The co-borrowers (同行查档人员) of the request read its loan as the borrower does: the dates.
      w.orWhereExists(q('request_applicants as ap').whereRaw('ap.request_id = l.request_id').andWhere('ap.user_id', s.userId).select('ap.id'));
      if (s.unitHead) w.orWhere('l.borrower_org_id', s.orgUnitId);
    });
  if (s.excluded.length) qb.whereNotIn('r.cadre_id', s.excluded);
  return qb;
}

const LOAN_COLUMNS = ['l.*', 'r.case_no', 'r.instance_id', 'c.name as cadre_name', 'a.archive_no', 'b.display_name as borrower_name', 'bo.name as borrower_org_name'];

export async function listLoans(
  q: Q,
  s: RecordScope,
  f: { state: 'current' | 'overdue' | 'past' | 'all'; now: string },
  page: Page,
): Promise<{ rows: RequestListRow[]; total: number }> {
  const filtered = () => {
    const qb = loanBase(q, s);
    if (f.state === 'current') qb.whereIn('l.status', ['on_loan', 'overdue']);
    if (f.state === 'overdue') qb.whereIn('l.status', ['on_loan', 'overdue']).andWhere('l.due_at', '<', f.now);
    if (f.state === 'past') qb.whereIn('l.status', ['returned', 'lost']);
    return qb;
  };
  const [{ n }] = await filtered().count({ n: '*' });
  const rows = await filtered().orderBy('l.due_at').orderBy('l.id').limit(page.limit).offset(page.offset).select(LOAN_COLUMNS);
  return { rows, total: Number(n) };
}

export async function findLoanInScope(q: Q, s: RecordScope, id: number): Promise<RequestListRow | undefined> {
  return loanBase(q, s).where('l.id', id).first(LOAN_COLUMNS);
}

// -- grants ----------------------------------------------------------------------------------------------

/**
 * A user's viewing grants from requests, newest first, at most 200; `open`: valid now, not revoked,
 * and its archive still the granting office's (rules.ts grantStillHeld, applied before the limit).
 */
export async function grantsOf(q: Q, userId: number, now: string, open: boolean): Promise<RequestListRow[]> {
  const qb = q('archive_grants as g')
    .join('utilization_requests as r', 'r.instance_id', 'g.instance_id')
    .join('archives as a', 'a.id', 'g.archive_id')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where('g.grantee_user_id', userId)
    .orderBy('g.id', 'desc')
    .limit(200)
    .select('g.*', 'r.id as request_id', 'r.case_no', 'r.purpose', 'r.custodian_org_id as grant_office_id', 'c.name as cadre_name', 'a.archive_no', 'a.cadre_id', 'a.status as archive_status', 'a.custodian_org_id as archive_custodian_org_id');
  if (open) {
    qb.whereNull('g.revoked_at').andWhere('g.valid_from', '<=', now).andWhere('g.valid_until', '>', now);
    whereGrantStillHeld(qb, { archiveStatus: 'a.status', archiveCustodian: 'a.custodian_org_id', grantOffice: 'r.custodian_org_id' });
  }
  return qb;
}
