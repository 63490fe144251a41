// SQL for org units, users, roles and sessions.
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
import { bool, isPg } from '../db.ts';

export interface OrgUnitRow {
  id: number;
  code: string;
  name: string;
  kind: string;
  parent_id: number | null;
  path: string;
  is_custodian: boolean;
  sort_order: number;
}

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  org_unit_id: number;
  password_hash: string;
  password_changed_at: string;
  must_change_password: boolean;
  failed_logins: number;
  locked_until: string | null;
  totp_secret: string | null;
  disabled: boolean;
  is_demo: boolean;
  language: string;
  email: string | null;
  created_at: string;
  last_login_at?: string | null;
  totp_pending_secret?: string | null;
  /** The last TOTP time step a code was accepted for (RFC 6238 §5.2); null: none since enrolment. */
  totp_last_step?: number | null;
}

const userFromDb = (r: any): UserRow => ({
  ...r,
  totp_last_step: r.totp_last_step == null ? null : Number(r.totp_last_step),
  must_change_password: bool(r.must_change_password),
  disabled: bool(r.disabled),
  is_demo: bool(r.is_demo),
});
const orgFromDb = (r: any): OrgUnitRow => ({ ...r, is_custodian: bool(r.is_custodian) });

/**
 * The active holders of a role in an org unit (any unit when orgUnitId is null), as `users as u`:
 * the caller picks the columns (a mail's recipients, a 转办 list with unit names).
 */
export function roleHolders(q: Q, role: string, orgUnitId: number | null): Knex.QueryBuilder {
  const qb = q('users as u').join('user_roles as r', 'r.user_id', 'u.id').where('r.role', role).andWhere('u.disabled', false);
  return orgUnitId === null ? qb : qb.andWhere('u.org_unit_id', orgUnitId);
}

export async function findUserByUsername(q: Q, username: string): Promise<UserRow | undefined> {
  const r = await q('users').where({ username }).first();
  return r ? userFromDb(r) : undefined;
}

export async function findUser(q: Q, id: number): Promise<UserRow | undefined> {
  const r = await q('users').where({ id }).first();
  return r ? userFromDb(r) : undefined;
}

/**
 * Where the password the user holds now was given from, when the system administrator gave it (a
 * reset or the account's creation) and the user has not changed it since: the newest such audit
 * row at or after the password's change time.
 */
export async function initialPasswordGiven(q: Q, userId: number, since: string): Promise<{ action: string; actor: string | null; ip: string | null } | undefined> {
  return q('audit_log')
    .whereIn('action', ['user.password_reset', 'user.create'])
    .andWhere({ object_type: 'user', object_id: String(userId), outcome: 'success' })
    .andWhere('at', '>=', since)
    .orderBy('seq', 'desc')
    .first('action', 'actor', 'ip');
}

export async function rolesOf(q: Q, userId: number): Promise<string[]> {
  const rows = await q('user_roles').where({ user_id: userId }).orderBy('role').select('role');
  return rows.map((r: { role: string }) => r.role);
}

export async function recordFailedLogin(q: Q, id: number, failed: number, lockedUntil: string | null): Promise<void> {
  await q('users').where({ id }).update({ failed_logins: failed, locked_until: lockedUntil });
}

export async function resetFailedLogins(q: Q, id: number): Promise<void> {
  await q('users').where({ id }).update({ failed_logins: 0, locked_until: null });
}

export async function recordLogin(q: Q, id: number, at: string): Promise<void> {
  await q('users').where({ id }).update({ failed_logins: 0, locked_until: null, last_login_at: at });
}

export async function setPassword(q: Q, id: number, hash: string, changedAt: string, mustChange: boolean): Promise<void> {
  await q('users').where({ id }).update({
    password_hash: hash,
    password_changed_at: changedAt,
    must_change_password: mustChange,
    failed_logins: 0,
    locked_until: null,
  });
}

export async function setTotp(q: Q, id: number, fields: { totp_secret?: string | null; totp_pending_secret?: string | null; totp_last_step?: number | null }): Promise<void> {
  await q('users').where({ id }).update(fields);
}

/**
 * Records `step` as the user's last accepted TOTP step, unless that step or a later one is recorded
 * already: false then (the code was used meanwhile). One conditional UPDATE, so of two logins with
 * the same code only one gets the row (PostgreSQL re-checks the condition after the other commits;
 * SQLite runs one transaction at a time).
 */
export async function claimTotpStep(q: Q, id: number, step: number): Promise<boolean> {
  const n = await q('users')
    .where({ id })
    .andWhere((w) => w.whereNull('totp_last_step').orWhere('totp_last_step', '<', step))
    .update({ totp_last_step: step });
  return n === 1;
}

// Password history ------------------------------------------------------------------------

export async function pushPasswordHistory(q: Q, userId: number, hash: string, at: string, keep: number): Promise<void> {
  await q('password_history').insert({ user_id: userId, password_hash: hash, replaced_at: at });
  const old = await q('password_history').where({ user_id: userId }).orderBy('id', 'desc').offset(Math.max(keep, 0)).select('id');
  if (old.length) await q('password_history').whereIn('id', old.map((r: { id: number }) => r.id)).delete();
}

/** Hashes of the passwords a user had before the current one, newest first. */
export async function passwordHistory(q: Q, userId: number, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await q('password_history').where({ user_id: userId }).orderBy('id', 'desc').limit(limit).select('password_hash');
  return rows.map((r: { password_hash: string }) => r.password_hash);
}

// Per-IP rate limits (in the database, so the limit holds across servers) -----------------------

export async function rateCount(q: Q, bucket: string, windowStart: string): Promise<number> {
  const r = await q('rate_limits').where({ bucket, window_start: windowStart }).first('count');
  return r ? Number(r.count) : 0;
}

export async function rateIncrement(q: Q, bucket: string, windowStart: string): Promise<number> {
  const [r] = await q('rate_limits')
    .insert({ bucket, window_start: windowStart, count: 1 })
    .onConflict(['bucket', 'window_start'])
    .merge({ count: q.raw('rate_limits.count + 1') })
    .returning('count');
  return Number(typeof r === 'object' ? r.count : r);
}

export async function rateCleanup(q: Q, before: string): Promise<number> {
  return q('rate_limits').where('window_start', '<', before).delete();
}

/** A new, enabled, non-demo account whose (initial) password must be changed at the first login. */
export function newAccountRow(a: { username: string; displayName: string; orgUnitId: number; passwordHash: string; email?: string | null; now: string }): Omit<UserRow, 'id'> {
  return {
    username: a.username,
    display_name: a.displayName,
    org_unit_id: a.orgUnitId,
    password_hash: a.passwordHash,
    password_changed_at: a.now,
    must_change_password: true,
    failed_logins: 0,
    locked_until: null,
    totp_secret: null,
    disabled: false,
    is_demo: false,
    // Chinese until the user picks (PUT /api/me/language, the header's switch, 个人设置).
    language: 'zh',
    email: a.email ?? null,
    created_at: a.now,
  };
}

/** The language of the user's mails (and of their screens on a browser where they picked none). */
export async function setLanguage(q: Q, id: number, language: string): Promise<void> {
  await q('users').where({ id }).update({ language });
}

/** The audit actor for a user row when the session (and so the roles) is not at hand. */
export const actorOfRow = (u: UserRow) => ({ id: u.id, username: u.username, roles: [] as string[], orgUnitId: u.org_unit_id });

export async function insertUser(q: Q, row: Omit<UserRow, 'id'>, roles: string[]): Promise<number> {
  const [ret] = await q('users').insert(row).returning('id');
  const id = typeof ret === 'object' ? ret.id : ret;
  if (roles.length) await q('user_roles').insert(roles.map((role) => ({ user_id: id, role })));
  return id;
}

export async function findOrgUnit(q: Q, id: number): Promise<OrgUnitRow | undefined> {
  const r = await q('org_units').where({ id }).first();
  return r ? orgFromDb(r) : undefined;
}

export async function findOrgUnitByCode(q: Q, code: string): Promise<OrgUnitRow | undefined> {
  const r = await q('org_units').where({ code }).first();
  return r ? orgFromDb(r) : undefined;
}

export async function insertOrgUnit(
  q: Q,
  row: { code: string; name: string; kind: string; parent_id: number | null; is_custodian?: boolean; sort_order?: number },
): Promise<OrgUnitRow> {
  const parent = row.parent_id ? await findOrgUnit(q, row.parent_id) : undefined;
  const [ret] = await q('org_units')
    .insert({ ...row, is_custodian: row.is_custodian ?? false, sort_order: row.sort_order ?? 0, path: '/' })
    .returning('id');
  const id: number = typeof ret === 'object' ? ret.id : ret;
  const path = `${parent ? parent.path : '/'}${id}/`;
  await q('org_units').where({ id }).update({ path });
  return (await findOrgUnit(q, id))!;
}

export async function countUsers(q: Q): Promise<number> {
  const r = await q('users').count<{ n: number | string }[]>({ n: '*' });
  return Number(r[0].n);
}

// Sessions ---------------------------------------------------------------------------------

export interface SessionRow {
  id: string;
  user_id: number;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  ip: string | null;
  user_agent: string | null;
}

export async function insertSession(q: Q, row: SessionRow): Promise<void> {
  await q('sessions').insert(row);
}

/**
 * A session, its user and the user's roles in one read (every request makes it); `user` is absent
 * if the row is gone.
 */
export async function findSessionWithUser(q: Q, id: string): Promise<{ session: SessionRow; user?: UserRow; roles: string[] } | undefined> {
  const joined = isPg(q) ? "string_agg(r.role, ',')" : "group_concat(r.role, ',')";
  const r = await q('sessions as s')
    .leftJoin('users as u', 'u.id', 's.user_id')
    .where('s.id', id)
    .first(
      'u.*',
      's.id as session_id',
      's.user_id as session_user_id',
      's.created_at as session_created_at',
      's.last_seen_at as session_last_seen_at',
      's.expires_at as session_expires_at',
      's.ip as session_ip',
      's.user_agent as session_user_agent',
      q.raw(`(select ${joined} from user_roles r where r.user_id = u.id) as session_roles`),
    );
  if (!r) return undefined;
  // Role codes are [a-z_]: a comma cannot be part of one.
  const roles = r.session_roles ? String(r.session_roles).split(',').sort() : [];
  const session: SessionRow = {
    id: r.session_id,
    user_id: r.session_user_id,
    created_at: r.session_created_at,
    last_seen_at: r.session_last_seen_at,
    expires_at: r.session_expires_at,
    ip: r.session_ip,
    user_agent: r.session_user_agent,
  };
  if (r.id === null || r.id === undefined) return { session, roles: [] };
  const user: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(r)) if (!k.startsWith('session_')) user[k] = v;
  return { session, user: userFromDb(user), roles };
}

export async function touchSession(q: Q, id: string, at: string): Promise<void> {
  await q('sessions').where({ id }).update({ last_seen_at: at });
}

export async function deleteSession(q: Q, id: string): Promise<number> {
  return q('sessions').where({ id }).delete();
}

export async function deleteSessionsOf(q: Q, userId: number, exceptId?: string): Promise<number> {
  const qb = q('sessions').where({ user_id: userId });
  if (exceptId) qb.whereNot({ id: exceptId });
  return qb.delete();
}
