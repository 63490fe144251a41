// Writing, checkpointing, verifying and pruning the audit log. record() runs inside the caller's
// transaction, so a change and its audit row commit together; if the audit row cannot be written,
// the change is refused. Checkpoints sign the head; prune deletes only rows past the retention
// period, after signing checkpoints that keep the remaining chain verifiable.
import type { Config } from '../config.ts';
import type { Db, Q, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import * as store from './store.ts';
import { chainHash } from './chain.ts';
import { CheckpointSigner, type SignedCheckpoint } from './signer.ts';
import { verifyChain, type VerifyFrom, type VerifyResult } from './verify.ts';
import { requestIpFor } from './request-origin.ts';

export type { VerifyResult, VerifyFrom } from './verify.ts';

export interface Actor {
  id: number;
  username: string;
  roles: string[];
  orgUnitId?: number;
}

export interface AuditEntry {
  actor?: Actor | null;
  /** For failed logins and command-line tools: the name that was tried or used, when no actor is known. */
  actorName?: string;
  /** The client's address; when left out, the address of the request its actor is being served in (request-origin.ts). */
  ip?: string | null;
  action: string;
  objectType?: string;
  objectId?: string | number;
  orgUnitId?: number | null;
  outcome?: 'success' | 'failure' | 'denied';
  detail?: Record<string, unknown>;
}

export type CheckpointReason = 'periodic' | 'manual' | 'prune' | 'backup';

export interface PruneResult {
  deleted: number;
  /** Rows with seq up to this were deleted (0 when none). */
  throughSeq: number;
  cutoff: string;
  retentionDays: number;
}

const DAY_MS = 86_400_000;
/** 网络安全法 第二十一条: network logs are kept at least six months, whatever the configuration says. */
export const MIN_RETENTION_DAYS = 180;

export class AuditLog {
  readonly signer: CheckpointSigner;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    signer?: CheckpointSigner,
    private readonly retentionDays = MIN_RETENTION_DAYS,
  ) {
    // Without a configured key the log still records and verifies; checkpoints then need a key file.
    this.signer = signer ?? new CheckpointSigner('');
  }

  /** Appends one row in the given transaction (or a fresh one). Throws if it cannot. */
  async record(q: Q | null, entry: AuditEntry): Promise<number> {
    if (!q) return this.db.transaction((trx) => this.record(trx, entry));
    const head = await store.lockHead(q);
    const base = {
      seq: head.seq + 1,
      at: iso(this.clock.now()),
      actor_id: entry.actor?.id ?? null,
      actor: entry.actor?.username ?? entry.actorName?.slice(0, 64) ?? null,
      role: entry.actor ? entry.actor.roles.join(',').slice(0, 200) : null,
      // A row written while serving its actor's request without naming an address gets the request's.
      ip: entry.ip !== undefined ? entry.ip : requestIpFor(entry.actor?.id),
      action: entry.action,
      object_type: entry.objectType ?? null,
      object_id: entry.objectId === undefined ? null : String(entry.objectId).slice(0, 64),
      org_unit_id: entry.orgUnitId ?? entry.actor?.orgUnitId ?? null,
      outcome: entry.outcome ?? 'success',
      detail: entry.detail ? JSON.stringify(entry.detail) : null,
    };
    const row = { ...base, prev_hash: head.hash, hash: chainHash(head.hash, base) };
    await store.append(q, row);
    return row.seq;
  }

  /** Walks the chain (from its start, or from the last checkpoint) and names the first broken seq. */
  verify(from: VerifyFrom = 'start'): Promise<VerifyResult> {
    return verifyChain(this.db, this.signer, from);
  }

  /** Signs the current head inside the caller's transaction; witness it with signer.appendWitness after commit. */
  async signHead(trx: Trx, reason: CheckpointReason): Promise<store.CheckpointRow> {
    const head = await store.lockHead(trx);
    const cp = this.signer.sign({ seq: head.seq, hash: head.hash, at: iso(this.clock.now()) });
    return store.insertCheckpoint(trx, cp, reason);
  }

  /**
   * Writes a checkpoint of the head now. A periodic one is skipped when the head has not moved
   * since the last checkpoint, so several servers on one database do not pile up identical ones.
   */
  async checkpoint(reason: CheckpointReason, audit?: { actor: Actor; ip: string | null }): Promise<store.CheckpointRow | null> {
    const cp = await this.db.transaction(async (trx) => {
      if (audit) {
        await this.record(trx, { actor: audit.actor, ip: audit.ip, action: 'audit.checkpoint', objectType: 'audit_log' });
      }
      const head = await store.lockHead(trx);
      if (reason === 'periodic') {
        const last = await store.latestCheckpoint(trx);
        if (head.seq === 0 || (last && last.seq === head.seq && last.hash === head.hash)) return null;
      }
      return this.signHead(trx, reason);
    });
    if (cp) this.witness([cp]);
    return cp;
  }

  /** The witness file is a second copy; failing to write it must not undo a committed checkpoint. */
  private witness(cps: SignedCheckpoint[]): void {
    try {
      this.signer.appendWitness(cps);
    } catch {
      // Reported by verification (a missing witness line is not an error; the table has the row).
    }
  }

  /**
   * Deletes rows older than the retention period. First, in the same transaction: an `audit.prune`
   * row, a checkpoint of the head (covering that row) and a checkpoint of the last row to go (the
   * anchor the remaining chain starts from). The database trigger refuses the delete of any row
   * younger than max(180 days, retention) by its own clock, so nothing younger can go.
   */
  async prune(actor: Actor | null, ip: string | null, actorName?: string): Promise<PruneResult> {
    const retentionDays = Math.max(MIN_RETENTION_DAYS, this.retentionDays);
    const cutoff = iso(new Date(this.clock.now().getTime() - retentionDays * DAY_MS));
    const signed: SignedCheckpoint[] = [];
    const result = await this.db.transaction(async (trx) => {
      const head = await store.lockHead(trx);
      const { first } = await store.seqBounds(trx);
      const firstYoung = await store.firstSeqAtOrAfter(trx, cutoff);
      const through = (firstYoung ?? head.seq + 1) - 1;
      const deletable = first !== null && through >= first;
      await this.record(trx, {
        actor,
        actorName,
        ip,
        action: 'audit.prune',
        objectType: 'audit_log',
        detail: { cutoff, retentionDays, throughSeq: deletable ? through : 0 },
      });
      if (!deletable) return { deleted: 0, throughSeq: 0, cutoff, retentionDays };
      signed.push(await this.signHead(trx, 'prune'));
      const anchor = await store.rowAt(trx, through);
      const cp = this.signer.sign({ seq: through, hash: anchor!.hash, at: iso(this.clock.now()) });
      signed.push(await store.insertCheckpoint(trx, cp, 'prune'));
      const deleted = await store.deleteThrough(trx, through);
      return { deleted, throughSeq: through, cutoff, retentionDays };
    });
    this.witness(signed);
    return result;
  }

  /** Tells the delete trigger the configured retention (boot); it keeps its own 180-day floor. */
  syncRetention(): Promise<void> {
    return store.setRetentionDays(this.db, Math.max(MIN_RETENTION_DAYS, this.retentionDays));
  }
}

/** The audit log of an installation: its key file and retention from the config. */
export const auditLogFor = (config: Pick<Config, 'audit'>, db: Db, clock: Clock): AuditLog =>
  new AuditLog(db, clock, new CheckpointSigner(config.audit.keyFile), config.audit.retentionDays);
