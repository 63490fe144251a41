// SQL of the administrators' consoles: settings rows, accounts as the consoles list them, role
// assignments, org units and roles for the pickers, and the backup ledger.
import type { Q } from '../db.ts';
import { bool, parseJson, whereContains } from '../db.ts';

// Settings ---------------------------------------------------------------------------------

export async function settingRows(q: Q): Promise<Record<string, unknown>> {
  const rows = await q('settings').select('key', 'value');
  return Object.fromEntries(rows.map((r: { key: string; value: string }) => [r.key, parseJson(r.value, null)]));
}

export async function putSetting(q: Q, key: string, value: unknown, at: string, by: number | null): Promise<void> {
  await q('settings')
    .insert({ key, value: JSON.stringify(value), updated_at: at, updated_by: by })
    .onConflict('key')
    .merge(['value', 'updated_at', 'updated_by']);
}

// Accounts ---------------------------------------------------------------------------------

export interface AccountRow {
  id: number;
  username: string;
  display_name: string;
  org_unit_id: number;
  org_name: string;
  org_code: string;
  disabled: boolean;
  is_demo: boolean;
  must_change_password: boolean;
  password_changed_at: string;
  locked_until: string | null;
  totp_enrolled: boolean;
  last_login_at: string | null;
  created_at: string;
  email: string | null;
  cadre_id: number | null;
  /** The ID number of the cadre the account is (linked by the security administrator), or null. */
  cadre_id_number: string | null;
  roles: string[];
}

function accounts(q: Q) {
  return q('users as u')
    .join('org_units as o', 'o.id', 'u.org_unit_id')
    .leftJoin('cadres as c', 'c.id', 'u.cadre_id')
    .select(
      'u.id',
      'u.username',
      'u.display_name',
      'u.org_unit_id',
      'o.name as org_name',
      'o.code as org_code',
      'u.disabled',
      'u.is_demo',
      'u.must_change_password',
      'u.password_changed_at',
      'u.locked_until',
      q.raw('CASE WHEN u.totp_secret IS NULL THEN 0 ELSE 1 END AS totp_enrolled'),
      'u.last_login_at',
      'u.created_at',
      'u.email',
      'u.cadre_id',
      'c.id_number as cadre_id_number',
    );
}

async function withRoles(q: Q, rows: any[]): Promise<AccountRow[]> {
  const ids = rows.map((r) => r.id);
  const roles = ids.length ? await q('user_roles').whereIn('user_id', ids).orderBy('role').select('user_id', 'role') : [];
  return rows.map((r) => ({
    ...r,
    disabled: bool(r.disabled),
    is_demo: bool(r.is_demo),
    must_change_password: bool(r.must_change_password),
    totp_enrolled: bool(r.totp_enrolled),
    roles: roles.filter((x: { user_id: number }) => x.user_id === r.id).map((x: { role: string }) => x.role),
  }));
}

export async function listAccounts(
  q: Q,
  f: { text?: string; role?: string; offset: number; limit: number },
): Promise<{ rows: AccountRow[]; total: number }> {
  const filtered = () => {
    const qb = accounts(q);
    if (f.text) whereContains(qb, ['u.username', 'u.display_name'], f.text);
    if (f.role) qb.whereIn('u.id', q('user_roles').where({ role: f.role }).select('user_id'));
    return qb;
  };
  const [{ n }] = await filtered().clearSelect().count<{ n: number | string }[]>({ n: '*' });
  const rows = await filtered().orderBy('u.username').offset(f.offset).limit(f.limit);
  return { rows: await withRoles(q, rows), total: Number(n) };
}

export async function findAccount(q: Q, id: number): Promise<AccountRow | undefined> {
  const rows = await accounts(q).where('u.id', id);
  return rows.length ? (await withRoles(q, rows))[0] : undefined;
}

export async function usernameTaken(q: Q, username: string): Promise<boolean> {
  return !!(await q('users').whereRaw('lower(username) = ?', [username.toLowerCase()]).first('id'));
}

export async function setDisabled(q: Q, id: number, disabled: boolean): Promise<void> {
  await q('users').where({ id }).update({ disabled, ...(disabled ? {} : { failed_logins: 0, locked_until: null }) });
}

export async function setEmail(q: Q, id: number, email: string | null): Promise<void> {
  await q('users').where({ id }).update({ email });
}

export async function unlock(q: Q, id: number): Promise<void> {
  await q('users').where({ id }).update({ failed_logins: 0, locked_until: null });
}

export async function setOrgUnit(q: Q, id: number, orgUnitId: number): Promise<void> {
  await q('users').where({ id }).update({ org_unit_id: orgUnitId });
}

/** The account linked to a cadre, if any (one at most: unique index users_cadre_id_unique). */
export async function accountOfCadre(q: Q, cadreId: number): Promise<{ id: number; username: string; display_name: string } | undefined> {
  return q('users').where({ cadre_id: cadreId }).first('id', 'username', 'display_name');
}

/**
 * Sets the link only if the account still has the link `from` it was read with, so two changes of
 * one account at once cannot both succeed (the rows were read without a lock): false when it moved.
 */
export async function setCadre(q: Q, id: number, from: number | null, cadreId: number | null): Promise<boolean> {
  const rows = await q('users').where({ id, cadre_id: from }).update({ cadre_id: cadreId });
  return rows === 1;
}

export async function clearTotp(q: Q, id: number): Promise<void> {
  await q('users').where({ id }).update({ totp_secret: null, totp_pending_secret: null, totp_last_step: null });
}

export async function replaceRoles(q: Q, userId: number, roles: string[]): Promise<void> {
  await q('user_roles').where({ user_id: userId }).delete();
  if (roles.length) await q('user_roles').insert(roles.map((role) => ({ user_id: userId, role })));
}

/** Enabled accounts holding a role, optionally not counting one user. */
export async function enabledHolders(q: Q, role: string, exceptUserId?: number): Promise<number> {
  const qb = q('user_roles as ur').join('users as u', 'u.id', 'ur.user_id').where({ 'ur.role': role, 'u.disabled': false });
  if (exceptUserId !== undefined) qb.whereNot('u.id', exceptUserId);
  const [{ n }] = await qb.count<{ n: number | string }[]>({ n: '*' });
  return Number(n);
}

export async function roles(q: Q): Promise<Array<{ code: string; name_zh: string; name_en: string; kind: string }>> {
  return q('roles').orderBy('kind').orderBy('code');
}

export async function orgUnits(q: Q): Promise<Array<{ id: number; code: string; name: string; kind: string; parent_id: number | null; path: string; is_custodian: boolean }>> {
  const rows = await q('org_units').orderBy('path').select('id', 'code', 'name', 'kind', 'parent_id', 'path', 'is_custodian');
  return rows.map((r: any) => ({ ...r, is_custodian: bool(r.is_custodian) }));
}

// Backup ledger --------------------------------------------------------------------------------

export interface BackupRow {
  id: number;
  at: string;
  kind: string;
  medium: string;
  operator_id: number | null;
  operator: string;
  path: string;
  size: number;
  sha256: string;
  files: number;
  audit_seq: number;
}

/** Whether a backup in the ledger was encrypted (then its key is never made anew unasked). */
export async function anyEncryptedBackup(q: Q): Promise<boolean> {
  return !!(await q('backups').whereNotNull('key_id').first('id'));
}

const backupFromDb = (r: any): BackupRow => ({ ...r, size: Number(r.size), audit_seq: Number(r.audit_seq) });

/** A backup made; `keyId`: the id of the backup key that encrypted it. */
export async function insertBackup(q: Q, row: Omit<BackupRow, 'id'>, keyId: string): Promise<BackupRow> {
  const [ret] = await q('backups').insert({ ...row, key_id: keyId }).returning('id');
  return { ...row, id: typeof ret === 'object' ? ret.id : ret };
}

export interface BackupFailureRow {
  id: number;
  at: string;
  medium: string;
  operator_id: number | null;
  operator: string;
  code: string;
  reason: string;
}

export async function insertBackupFailure(q: Q, row: Omit<BackupFailureRow, 'id'>): Promise<void> {
  await q('backup_failures').insert(row);
}

/** A line of the ledger: a backup made, or one that failed (outcome 'failure', its code and reason, no copy). */
export type LedgerRow = ({ outcome: 'success' } & BackupRow & { code: null; reason: null }) | ({ outcome: 'failure' } & Omit<BackupFailureRow, 'operator_id'> & { kind: null; path: null; size: null; sha256: null; files: null; audit_seq: null });

/** The ledger, newest first: backups made and backups failed, interleaved by time. */
export async function listBackups(q: Q, offset: number, limit: number): Promise<{ rows: LedgerRow[]; total: number }> {
  const [{ n }] = await q('backups').count<{ n: number | string }[]>({ n: '*' });
  const [{ f }] = await q('backup_failures').count<{ f: number | string }[]>({ f: '*' });
  const nul = (c: string) => q.raw(`NULL AS ${c}`);
  const made = q('backups').select('id', 'at', q.raw(`'success' AS outcome`), 'kind', 'medium', 'operator', 'path', 'size', 'sha256', 'files', 'audit_seq', nul('code'), nul('reason'));
  const failed = q('backup_failures').select('id', 'at', q.raw(`'failure' AS outcome`), nul('kind'), 'medium', 'operator', nul('path'), nul('size'), nul('sha256'), nul('files'), nul('audit_seq'), 'code', 'reason');
  const rows = await q
    .from(made.unionAll(failed).as('ledger'))
    .select('*')
    .orderBy([{ column: 'at', order: 'desc' }, { column: 'outcome', order: 'desc' }, { column: 'id', order: 'desc' }])
    .offset(offset)
    .limit(limit);
  return {
    rows: rows.map((r: any) => (r.outcome === 'failure' ? { ...r, size: null, files: null, audit_seq: null } : { ...backupFromDb(r), outcome: 'success', code: null, reason: null, files: Number(r.files) })),
    total: Number(n) + Number(f),
  };
}
