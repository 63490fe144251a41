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

export interface VerifyResult {
  ok: boolean;
  /** Rows checked. */
  entries: number;
  /** The last seq that checked out. */
  headSeq: number;
  firstBadSeq?: number;
  reason?: VerifyReason;
  /** Where the walk began: 0 for the chain's start, else the seq of a checkpoint. */
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
  const base = { entries: 0, checkpoints: cpSeqs.length, checkpointSeq: cpSeqs.at(-1) };
  if (bad) return { ...base, ok: false, headSeq: 0, fromSeq: 0, firstBadSeq: bad.seq, reason: 'checkpoint_signature' };
  const after = (seq: number) => (cpSeqs.filter((s) => s < seq).at(-1) ?? 0) + 1;

  const { first, last } = await store.seqBounds(q);
  let prevSeq = 0;
  let prevHash = GENESIS;
  if (from === 'checkpoint' && last !== null) {
    // The latest checkpoint that still has its row; its row must carry the signed hash.
    const anchor = cpSeqs.filter((s) => s <= last && s >= (first ?? 1)).at(-1);
    if (anchor !== undefined) {
      const row = await store.rowAt(q, anchor);
      if (!row) return { ...base, ok: false, headSeq: anchor - 1, fromSeq: anchor, firstBadSeq: anchor, reason: 'gap' };
      if (row.hash !== bySeq.get(anchor)) {
        return { ...base, ok: false, headSeq: 0, fromSeq: anchor, firstBadSeq: after(anchor), reason: 'checkpoint_mismatch' };
      }
      prevSeq = anchor;
      prevHash = row.hash;
    }
  }
  if (prevSeq === 0 && first !== null && first > 1) {
    // Pruned: the row before the first one left must be vouched for by a checkpoint.
    const anchorHash = bySeq.get(first - 1);
    if (!anchorHash) return { ...base, ok: false, headSeq: 0, fromSeq: 0, firstBadSeq: after(first), reason: 'missing_start' };
    prevSeq = first - 1;
    prevHash = anchorHash;
  }
  const fromSeq = prevSeq;

  let entries = 0;
  const batch = 2000;
  const fail = (firstBadSeq: number, reason: VerifyReason): VerifyResult => ({
    ...base,
    ok: false,
    entries,
    headSeq: prevSeq,
    fromSeq,
    firstBadSeq,
    reason,
  });
  for (;;) {
    const rows = await store.readRange(q, prevSeq, batch);
    for (const r of rows) {
      if (r.seq !== prevSeq + 1) return fail(prevSeq + 1, 'gap');
      if (r.prev_hash !== prevHash || chainHash(prevHash, r) !== r.hash) return fail(r.seq, 'hash');
      const signed = bySeq.get(r.seq);
      if (signed !== undefined && signed !== r.hash) return fail(after(r.seq), 'checkpoint_mismatch');
      prevSeq = r.seq;
      prevHash = r.hash;
      entries++;
    }
    if (rows.length < batch) break;
  }
  const maxCp = cpSeqs.at(-1) ?? 0;
  if (maxCp > prevSeq) return fail(prevSeq + 1, 'truncated');
  const head = await store.head(q);
  if (head.seq > prevSeq) return fail(prevSeq + 1, 'truncated');
  if (head.seq !== prevSeq || head.hash !== prevHash) return fail(Math.min(head.seq + 1, prevSeq), 'head_mismatch');
  return { ...base, ok: true, entries, headSeq: prevSeq, fromSeq };
}
