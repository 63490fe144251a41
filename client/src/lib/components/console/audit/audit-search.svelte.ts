// The auditor's search: the filter as the form holds it, turned into the API's query (times typed
// in Beijing time), and the pages of one search. The first page pins `maxSeq` (the newest row it
// considered); the next pages and the export ask for the same rows, so the rows each search adds to
// the log (searches are audited) never shift the pages. Only the newest answer counts (Turns).
import type { ApiRoutes, AuditEntry } from '../../../api/types.ts';
import { buildUrl, call } from '../../../api/client.ts';
import { Turns } from '../../../state/turns.ts';

export const AUDIT_PAGE_SIZE = 50;
export const OUTCOMES = ['success', 'failure', 'denied'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** The form's values: `from`/`to` as a datetime-local input gives them (Beijing time). */
export interface AuditFilter {
  from: string;
  to: string;
  actor: string;
  action: string;
  outcome: '' | Outcome;
  objectType: string;
  objectId: string;
}

export const emptyFilter = (): AuditFilter => ({ from: '', to: '', actor: '', action: '', outcome: '', objectType: '', objectId: '' });

/** The filter's keys in the page's query string (?action=auth.*&outcome=failure): a reload or a shared link keeps the search. */
const FILTER_KEYS = ['from', 'to', 'actor', 'action', 'outcome', 'objectType', 'objectId'] as const;
const LOCAL_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/;

/** The filter a query string holds; anything malformed is left out (the form starts empty there). */
export function filterFromQuery(q: URLSearchParams | undefined): AuditFilter {
  const f = emptyFilter();
  if (!q) return f;
  const text = (k: string, max: number) => (q.get(k) ?? '').trim().slice(0, max);
  f.actor = text('actor', 100);
  f.action = text('action', 65);
  f.objectType = text('objectType', 40);
  f.objectId = text('objectId', 64);
  const outcome = q.get('outcome');
  f.outcome = OUTCOMES.includes(outcome as Outcome) ? (outcome as Outcome) : '';
  for (const k of ['from', 'to'] as const) f[k] = LOCAL_TIME.test(q.get(k) ?? '') ? q.get(k)! : '';
  return f;
}

/** The filter as query-string values (empty ones removed by the router). */
export const filterToQuery = (f: AuditFilter): Record<string, string | null> => Object.fromEntries(FILTER_KEYS.map((k) => [k, f[k].trim() || null]));

type EntriesQuery = ApiRoutes['GET /api/audit/entries']['query'];
type FilterQuery = Omit<EntriesQuery, 'offset' | 'limit'>;

/** "2026-11-02T09:30" typed in Beijing → "2026-11-02T09:30:00+08:00" (the server stores UTC). */
export function beijingInstant(local: string): string | undefined {
  if (!local) return undefined;
  return `${local.length === 16 ? `${local}:00` : local}+08:00`;
}

export function filterQuery(f: AuditFilter, maxSeq?: number): FilterQuery {
  const text = (v: string) => v.trim() || undefined;
  return {
    from: beijingInstant(f.from),
    to: beijingInstant(f.to),
    actor: text(f.actor),
    action: text(f.action),
    outcome: f.outcome || undefined,
    objectType: text(f.objectType),
    objectId: text(f.objectId),
    maxSeq,
  };
}

/** The CSV of the search as shown: same filters, same rows (pinned by maxSeq once a search ran). */
export const exportUrl = (f: AuditFilter, maxSeq?: number): string => buildUrl('/api/audit/export.csv', undefined, filterQuery(f, maxSeq));

export class AuditSearch {
  /** The filter of the search shown (the form may already hold another). */
  applied = $state<AuditFilter>(emptyFilter());
  items = $state<AuditEntry[] | null>(null);
  total = $state(0);
  offset = $state(0);
  maxSeq = $state<number | undefined>(undefined);
  loading = $state(false);
  failure = $state<unknown>(null);
  private readonly turns = new Turns();

  /** Starts from the filter of the page's address, if any. */
  constructor(initial: AuditFilter = emptyFilter()) {
    this.applied = initial;
  }

  /** A new search: its first page, pinned to the log's head as it is now. */
  run = (filter: AuditFilter): Promise<void> => this.fetch({ ...filter }, 0, undefined);

  /** Another page of the same search (same rows). */
  page = (offset: number): Promise<void> => this.fetch(this.applied, offset, this.maxSeq);

  /** The current page again (a retry). */
  reload = (): Promise<void> => this.fetch(this.applied, this.offset, this.maxSeq);

  /** The filter becomes the applied one only with its answer: a refused filter leaves the rows shown and their export as they were. */
  private async fetch(filter: AuditFilter, offset: number, maxSeq: number | undefined): Promise<void> {
    const current = this.turns.take();
    this.loading = true;
    this.failure = null;
    try {
      const r = await call('GET /api/audit/entries', { query: { ...filterQuery(filter, maxSeq), offset, limit: AUDIT_PAGE_SIZE } });
      if (!current()) return;
      this.applied = filter;
      this.items = r.items;
      this.total = r.total;
      this.maxSeq = r.maxSeq;
      this.offset = offset;
    } catch (e) {
      if (current()) this.failure = e;
    } finally {
      if (current()) this.loading = false;
    }
  }
}
