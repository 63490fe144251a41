// Verifying the audit log. The chain is walked from its start (or, quickly, from the last
// checkpoint) and every signed checkpoint is held against the row it names: a changed row is named
// by its seq, rows missing at the end are caught when a checkpoint or the head names a later seq.
import type { Q } from '../db.ts';
import { GENESIS, chainHash } from './chain.ts';
import { CheckpointSigner, type SignedCheckpoint } from './signer.ts';
import * as store from './store.ts';

export type VerifyReason =
  | 'gap'
  | 'hash'
  | 'truncated'
  | 'head_mismatch'
  | 'checkpoint_mismatch'
  | 'checkpoint_signature'
  | 'missing_start';

/** One place where the chain does not hold. */
export interface VerifyBreak {
  seq: number;
  reason: VerifyReason;
  /** For a gap of several rows: the last missing seq. */
  throughSeq?: number;
}

/** At most this many breaks are listed; `breaksMore` says when the walk found others. */
export const MAX_BREAKS = 100;

export interface VerifyResult {
  ok: boolean;
  /** Rows checked (the walk goes on past a break, so every row it could reach). */
  entries: number;
  /** The last seq that checked out before the first break (the head when none). */
  headSeq: number;
  /** The first break, as before: its seq and reason (= breaks[0]). */
  firstBadSeq?: number;
  reason?: VerifyReason;
  /** Every break the walk found, oldest first, at most MAX_BREAKS. */
  breaks: VerifyBreak[];
  /** True when there were more breaks than listed. */
  breaksMore: boolean;
  /**
   * 'full': every row left in the log was checked. 'from_checkpoint': only the rows after the
   * checkpoint at `fromSeq`; the rows before it were not checked, so an intact answer says nothing
   * about them.
   */
  scope: 'full' | 'from_checkpoint';
  /** Where the walk began: 0 for the chain's start, else the seq of a checkpoint (or the prune's anchor). */
  fromSeq: number;
  /** Seq of the latest valid checkpoint, if any. */
  checkpointSeq?: number;
  checkpoints: number;
}

export type VerifyFrom = 'start' | 'checkpoint';

/** Checkpoints from the table and the witness file, signature-checked, one per (seq, hash). */
async function trustedCheckpoints(q: Q, signer: CheckpointSigner): Promise<{ bySeq: Map<number, string>; bad?: SignedCheckpoint }> {
  const all = [...(await store.checkpoints(q)), ...signer.readWitness()];
  const keys = all.length ? signer.trustedKeys() : new Map();
  const bySeq = new Map<number, string>();
  for (const cp of all) {
    if (!CheckpointSigner.isValid(cp, keys)) return { bySeq, bad: cp };
    const seen = bySeq.get(cp.seq);
    // Two genuine signatures over different hashes at one seq: the chain was rewritten and re-signed.
    if (seen && seen !== cp.hash) return { bySeq, bad: cp };
    bySeq.set(cp.seq, cp.hash);
  }
  return { bySeq };
}

export async function verifyChain(q: Q, signer: CheckpointSigner, from: VerifyFrom = 'start'): Promise<VerifyResult> {
  const { bySeq, bad } = await trustedCheckpoints(q, signer);
  const cpSeqs = [...bySeq.keys()].sort((a, b) => a - b);
  const base = { checkpoints: cpSeqs.length, checkpointSeq: cpSeqs.at(-1) };
  const after = (seq: number) => (cpSeqs.filter((s) => s < seq).at(-1) ?? 0) + 1;

  // Every break found, the first MAX_BREAKS listed. The walk goes on after each one, re-seeded from
  // the stored row, so a deletion further on is reported beside a changed row before it.
  const breaks: VerifyBreak[] = [];
  let breaksMore = false;
  let entries = 0;
  let headSeq: number | null = null;
  let prevSeq = 0;
  let prevHash = GENESIS;
  let scope: VerifyResult['scope'] = 'full';
  let fromSeq = 0;
  // A break can be found after one at a higher seq (a checkpoint mismatch names the first row after
  // the previous checkpoint): the list is kept in seq order, the lowest MAX_BREAKS of them.
  const inLogOrder = (a: VerifyBreak, b: VerifyBreak) => a.seq - b.seq;
  const broke = (b: VerifyBreak) => {
    if (headSeq === null) headSeq = prevSeq;
    breaks.push(b);
    if (breaks.length > 2 * MAX_BREAKS) {
      breaks.sort(inLogOrder).length = MAX_BREAKS;
      breaksMore = true;
    }
  };
  const result = (): VerifyResult => {
    breaks.sort(inLogOrder);
    if (breaks.length > MAX_BREAKS) {
      breaks.length = MAX_BREAKS;
      breaksMore = true;
    }
    return resultOf();
  };
  const resultOf = (): VerifyResult => ({
    ...base,
    ok: breaks.length === 0,
    entries,
    headSeq: headSeq ?? prevSeq,
    ...(breaks.length ? { firstBadSeq: breaks[0].seq, reason: breaks[0].reason } : {}),
    breaks,
    breaksMore,
    scope,
    fromSeq,
  });
  if (bad) {
    broke({ seq: bad.seq, reason: 'checkpoint_signature' });
    return result();
  }

  const { first, last } = await store.seqBounds(q);
  if (from === 'checkpoint' && last !== null) {
    // The latest checkpoint that still has its row; its row must carry the signed hash.
    const anchor = cpSeqs.filter((s) => s <= last && s >= (first ?? 1)).at(-1);
    if (anchor !== undefined) {
      scope = 'from_checkpoint';
      fromSeq = anchor;
      const row = await store.rowAt(q, anchor);
      if (!row) {
        prevSeq = anchor - 1;
        broke({ seq: anchor, reason: 'gap' });
        return result();
      }
      if (row.hash !== bySeq.get(anchor)) {
        headSeq = 0;
        broke({ seq: after(anchor), reason: 'checkpoint_mismatch' });
      }
      prevSeq = anchor;
      prevHash = row.hash;
    }
  }
  if (prevSeq === 0 && first !== null && first > 1) {
    // Pruned: the row before the first one left must be vouched for by a checkpoint.
    const anchorHash = bySeq.get(first - 1);
    prevSeq = first - 1;
    fromSeq = prevSeq;
    if (anchorHash) prevHash = anchorHash;
    else {
      // Not vouched for: said, and the rest is still walked from the first row's own link.
      headSeq = 0;
      broke({ seq: after(first), reason: 'missing_start' });
      const row = await store.rowAt(q, first);
      prevHash = row!.prev_hash;
    }
  }

  const batch = 2000;
  for (;;) {
    const rows = await store.readRange(q, prevSeq, batch);
    for (const r of rows) {
      let linked = r.prev_hash === prevHash;
      if (r.seq !== prevSeq + 1) {
        broke({ seq: prevSeq + 1, reason: 'gap', ...(r.seq > prevSeq + 2 ? { throughSeq: r.seq - 1 } : {}) });
        // The row after a gap cannot be linked to the missing one; its own hash still must hold.
        linked = true;
      }
      if (!linked || chainHash(r.prev_hash, r) !== r.hash) broke({ seq: r.seq, reason: 'hash' });
      const signed = bySeq.get(r.seq);
      if (signed !== undefined && signed !== r.hash) broke({ seq: after(r.seq), reason: 'checkpoint_mismatch' });
      // Walk on from the row as stored: the next row is checked against it.
      prevSeq = r.seq;
      prevHash = r.hash;
      entries++;
    }
    if (rows.length < batch) break;
  }
  const maxCp = cpSeqs.at(-1) ?? 0;
  const head = await store.head(q);
  if (maxCp > prevSeq || head.seq > prevSeq) broke({ seq: prevSeq + 1, reason: 'truncated' });
  else if (head.seq !== prevSeq || head.hash !== prevHash) broke({ seq: Math.min(head.seq + 1, prevSeq), reason: 'head_mismatch' });
  return result();
}
