// The hash chain: hash = sha256(prev_hash ‖ canonical row). Canonical = JSON of the fields in a
// fixed order, so the same row always hashes the same on SQLite and PostgreSQL.
import { createHash } from 'node:crypto';
import type { AuditRow } from './store.ts';

export const GENESIS = '0'.repeat(64);

export function canonical(r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return JSON.stringify([
    Number(r.seq),
    r.at,
    r.actor_id ?? null,
    r.actor ?? null,
    r.role ?? null,
    r.ip ?? null,
    r.action,
    r.object_type ?? null,
    r.object_id ?? null,
    r.org_unit_id ?? null,
    r.outcome,
    r.detail ?? null,
  ]);
}

export function chainHash(prevHash: string, r: Omit<AuditRow, 'hash' | 'prev_hash'>): string {
  return createHash('sha256').update(prevHash).update('\n').update(canonical(r)).digest('hex');
}
