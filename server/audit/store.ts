// SQL for the audit log. The head row is the lock under which seq is assigned.
import type { Q } from '../db.ts';
import { forUpdate } from '../db.ts';

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
  return rows.map((r: AuditRow) => ({ ...r, seq: Number(r.seq) }));
}

export async function head(q: Q): Promise<{ seq: number; hash: string }> {
  const row = await q('audit_head').where({ id: 1 }).first();
  return { seq: Number(row.seq), hash: row.hash };
}
