// SQL for the audit log, its checkpoints and its retention. The head row is the lock under which
// seq is assigned.
import type { Q } from '../db.ts';
import { forUpdate, likeEscape } from '../db.ts';
import type { SignedCheckpoint } from './signer.ts';

export interface AuditRow {
  seq: number;
  at: string;
  actor_id: number | null;
  actor: string | null;
  role: string | null;
  ip: string | null;
  action: string;
  object_type: string | null;
  object_id: string | null;
  org_unit_id: number | null;
  outcome: string;
  detail: string | null;
  prev_hash: string;
  hash: string;
}

const rowFromDb = (r: AuditRow): AuditRow => ({ ...r, seq: Number(r.seq) });

export async function lockHead(q: Q): Promise<{ seq: number; hash: string }> {
  const row = await forUpdate(q, q('audit_head').where({ id: 1 }).first());
  return { seq: Number(row.seq), hash: row.hash };
}

export async function append(q: Q, row: AuditRow): Promise<void> {
  await q('audit_log').insert(row);
  await q('audit_head').where({ id: 1 }).update({ seq: row.seq, hash: row.hash });
}

export async function readRange(q: Q, afterSeq: number, limit: number): Promise<AuditRow[]> {
  const rows = await q('audit_log').where('seq', '>', afterSeq).orderBy('seq').limit(limit);
  return rows.map(rowFromDb);
}

export async function head(q: Q): Promise<{ seq: number; hash: string }> {
  const row = await q('audit_head').where({ id: 1 }).first();
  return { seq: Number(row.seq), hash: row.hash };
}

export async function rowAt(q: Q, seq: number): Promise<AuditRow | undefined> {
  const r = await q('audit_log').where({ seq }).first();
  return r ? rowFromDb(r) : undefined;
}

export async function seqBounds(q: Q): Promise<{ first: number | null; last: number | null }> {
  const r = await q('audit_log').min({ first: 'seq' }).max({ last: 'seq' }).first();
  return { first: r?.first == null ? null : Number(r.first), last: r?.last == null ? null : Number(r.last) };
}

/** The first seq written at or after `at`, or null when every row is older. */
export async function firstSeqAtOrAfter(q: Q, at: string): Promise<number | null> {
  const r = await q('audit_log').where('at', '>=', at).min({ s: 'seq' }).first();
  return r?.s == null ? null : Number(r.s);
}

export async function deleteThrough(q: Q, seq: number): Promise<number> {
  return q('audit_log').where('seq', '<=', seq).delete();
}

// Search (the auditor's console) ------------------------------------------------------------

export interface AuditFilter {
  /** The user: username or display name, whole, any letter case. */
  actor?: string;
  actorId?: number;
  role?: string;
  /** Exact action, or a prefix when it ends with '*' ('auth.*'). */
  action?: string;
  objectType?: string;
  objectId?: string;
  outcome?: string;
  from?: string;
  to?: string;
  /** Only rows up to this seq: pins a result while new rows (the searches' own) arrive. */
  maxSeq?: number;
}

function filtered(q: Q, f: AuditFilter) {
  const qb = q('audit_log');
  if (f.actor) {
    // The name as written in the row (also a username typed at a failed login), or any account
    // whose username or display name it is now.
    const name = f.actor.toLowerCase();
    const accounts = q('users').select('id').whereRaw('lower(username) = ?', [name]).orWhereRaw('lower(display_name) = ?', [name]);
    qb.where((w) => w.whereRaw('lower(actor) = ?', [name]).orWhereIn('actor_id', accounts));
  }
  if (f.actorId !== undefined) qb.where('actor_id', f.actorId);
  if (f.role) qb.whereRaw(`(',' || role || ',') LIKE ? ESCAPE '\\'`, [`%,${likeEscape(f.role)},%`]);
  if (f.action) {
    if (f.action.endsWith('*')) qb.whereRaw(`action LIKE ? ESCAPE '\\'`, [`${likeEscape(f.action.slice(0, -1))}%`]);
    else qb.where('action', f.action);
  }
  if (f.objectType) qb.where('object_type', f.objectType);
  if (f.objectId) qb.where('object_id', f.objectId);
  if (f.outcome) qb.where('outcome', f.outcome);
  if (f.from) qb.where('at', '>=', f.from);
  if (f.to) qb.where('at', '<', f.to);
  if (f.maxSeq !== undefined) qb.where('seq', '<=', f.maxSeq);
  return qb;
}

export async function search(q: Q, f: AuditFilter, offset: number, limit: number): Promise<{ rows: AuditRow[]; total: number }> {
  const [{ n }] = await filtered(q, f).count<{ n: number | string }[]>({ n: '*' });
  // Newest first by time, as every index of audit_log ends in `at`; seq breaks ties.
  const rows = await filtered(q, f).orderBy('at', 'desc').orderBy('seq', 'desc').offset(offset).limit(limit);
  return { rows: rows.map(rowFromDb), total: Number(n) };
}

export async function countMatching(q: Q, f: AuditFilter): Promise<number> {
  const [{ n }] = await filtered(q, f).count<{ n: number | string }[]>({ n: '*' });
  return Number(n);
}

export async function allMatching(q: Q, f: AuditFilter): Promise<AuditRow[]> {
  return (await filtered(q, f).orderBy('seq')).map(rowFromDb);
}

// Checkpoints and retention ---------------------------------------------------------------

export interface CheckpointRow extends SignedCheckpoint {
  id: number;
  reason: string;
}

const cpFromDb = (r: any): CheckpointRow => ({
  id: r.id,
  seq: Number(r.seq),
  hash: r.hash,
  at: r.at,
  keyId: r.key_id,
  signature: r.signature,
  reason: r.reason,
});

export async function insertCheckpoint(q: Q, cp: SignedCheckpoint, reason: string): Promise<CheckpointRow> {
  const [ret] = await q('audit_checkpoints')
    .insert({ seq: cp.seq, hash: cp.hash, at: cp.at, key_id: cp.keyId, signature: cp.signature, reason })
    .returning('id');
  return { ...cp, id: typeof ret === 'object' ? ret.id : ret, reason };
}

export async function checkpoints(q: Q): Promise<CheckpointRow[]> {
  return (await q('audit_checkpoints').orderBy('seq').orderBy('id')).map(cpFromDb);
}

export async function latestCheckpoint(q: Q): Promise<CheckpointRow | undefined> {
  const r = await q('audit_checkpoints').orderBy('seq', 'desc').orderBy('id', 'desc').first();
  return r ? cpFromDb(r) : undefined;
}

export async function pageCheckpoints(q: Q, offset: number, limit: number): Promise<{ rows: CheckpointRow[]; total: number }> {
  const [{ n }] = await q('audit_checkpoints').count<{ n: number | string }[]>({ n: '*' });
  const rows = await q('audit_checkpoints').orderBy('id', 'desc').offset(offset).limit(limit);
  return { rows: rows.map(cpFromDb), total: Number(n) };
}

/** The retention the delete trigger enforces (it never goes below 180 days whatever this says). */
export async function setRetentionDays(q: Q, days: number): Promise<void> {
  const n = await q('audit_retention').where({ id: 1 }).update({ days });
  if (!n) await q('audit_retention').insert({ id: 1, days });
}
