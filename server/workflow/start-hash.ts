// What a start key stands for: the hash of the application sent with it. Keys of objects are
// sorted at every depth, so the same application hashes the same however its JSON was ordered;
// arrays keep their order (it is meaningful: the co-applicants, the categories asked for).
import { createHash } from 'node:crypto';

const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    return Object.fromEntries(
      Object.keys(v as Record<string, unknown>)
        .sort()
        .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
        .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
};

/** sha256 (hex) of process key, variables and the form version the caller filled (null when not sent). */
export const startHash = (processKey: string, variables: Record<string, unknown>, version: number | undefined): string =>
  createHash('sha256')
    .update(JSON.stringify([processKey, canonical(variables), version ?? null]))
    .digest('hex');
