// SQL for the case index (workflow_cases), "my applications", and a case's comments and
// attachments. Rows are returned typed.
import type { Knex } from 'knex';
import type { Q } from '../db.ts';
import { LIVE_STATUSES } from '../engine/store.ts';
import { whereApplicantOf } from './store.ts';

export interface CaseRow {
  instance_id: string;
  process_key: string;
  process_name: string;
  subject: string | null;
  initiator_id: number | null;
  initiator_name: string | null;
  initiator_org_id: number | null;
  initiator_org_name: string | null;
  initiator_org_path: string | null;
  search_text: string;
  started_at: string;
  ended_at: string | null;
  outcome: string | null;
  outcome_element_id: string | null;
  /** The cadre the case concerns (variable `cadreId`), for avoidance. */
  cadre_id: number | null;
  /** The key the start page sent with the application (unique per initiator): a retry answers this case. */
  start_key?: string | null;
  /** sha256 of what was sent with the start key (./start-hash.ts): the same key with another application is refused. */
  start_hash?: string | null;
}

export interface CommentRow {
  id: number;
  instance_id: string;
  author_id: number;
  body: string;
  created_at: string;
}

export interface AttachmentRow {
  id: string;
  instance_id: string;
  uploader_id: number;
  file_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  created_at: string;
}

/**
 * Leaves out rows whose case concerns one of `cadreIds` (档案人员回避): a NOT EXISTS on the case row,
 * added only when the user avoids anybody, so the usual query keeps its plan.
 */
export function withoutCasesAbout<T extends Knex.QueryBuilder>(qb: T, instanceColumn: string, cadreIds: readonly number[] | undefined): T {
  if (cadreIds?.length) {
    qb.whereNotExists((sub: Knex.QueryBuilder) => sub.select('xc.instance_id').from('workflow_cases as xc').whereRaw('xc.instance_id = ??', [instanceColumn]).whereIn('xc.cadre_id', cadreIds));
  }
  return qb;
}

/** The cadre the case of a task concerns, if the case names one. */
export async function cadreOfTask(q: Q, taskId: string): Promise<number | null> {
  const row = await q('tasks as t').join('workflow_cases as c', 'c.instance_id', 't.instance_id').where('t.id', taskId).first('c.cadre_id');
  return row?.cadre_id ?? null;
}

export const findCase = (q: Q, instanceId: string): Promise<CaseRow | undefined> =>
  q('workflow_cases').where({ instance_id: instanceId }).first();

/** Inserts the case row unless it exists (two hooks of one command may both try). */
export async function insertCase(q: Q, row: CaseRow): Promise<void> {
  await q('workflow_cases').insert(row).onConflict('instance_id').ignore();
}

/** The case this user filed with this start key, as the start answered it. */
export const caseOfStartKey = (q: Q, initiatorId: number, key: string) =>
  q('workflow_cases as c')
    .join('process_instances as pi', 'pi.id', 'c.instance_id')
    .where({ 'c.initiator_id': initiatorId, 'c.start_key': key })
    .first('pi.id', 'pi.process_key', 'pi.version', 'pi.status', 'pi.business_key', 'pi.active_elements', 'c.start_hash') as Promise<
    { id: string; process_key: string; version: number; status: string; business_key: string | null; active_elements: string; start_hash: string | null } | undefined
  >;

/** Whether a failed write was a second case with a start key this user has used (the unique index). */
export const isStartKeyTaken = (e: unknown): boolean => {
  const err = e as { code?: string; constraint?: string; message?: string } | undefined;
  return (err?.code === '23505' && err.constraint === 'workflow_cases_start_key') || /UNIQUE constraint failed: workflow_cases\.initiator_id, workflow_cases\.start_key/.test(err?.message ?? '');
};

export async function updateCase(q: Q, instanceId: string, patch: Partial<CaseRow>): Promise<void> {
  await q('workflow_cases').where({ instance_id: instanceId }).update(patch);
}

/** What the case row is built from: the instance, its process name, the initiator and unit. */
export async function caseSource(q: Q, instanceId: string) {
  return q('process_instances as pi')
    .join('process_deployments as d', 'd.id', 'pi.deployment_id')
    .leftJoin('users as u', 'u.id', 'pi.started_by')
    .leftJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .where('pi.id', instanceId)
    .first(
      'pi.id',
      'pi.process_key',
      'pi.business_key',
      'pi.started_by',
      'pi.started_at',
      'd.name as process_name',
      'u.display_name as initiator_name',
      'o.id as org_id',
      'o.name as org_name',
      'o.path as org_path',
    ) as Promise<
    | {
        id: string;
        process_key: string;
        business_key: string | null;
        started_by: number | null;
        started_at: string;
        process_name: string;
        initiator_name: string | null;
        org_id: number | null;
        org_name: string | null;
        org_path: string | null;
      }
    | undefined
  >;
}

/** The end event a completed case reached last (the history row is written before the hook runs). */
export const lastEndEvent = (q: Q, instanceId: string): Promise<{ element_id: string; element_name: string | null } | undefined> =>
  q('history')
    .where({ instance_id: instanceId, element_type: 'bpmn:EndEvent', event: 'end' })
    .orderBy('id', 'desc')
    .first('element_id', 'element_name');

// My applications -------------------------------------------------------------------------------

export type ApplicationRow = CaseRow & { status: string; business_key: string | null; version: number };

export async function applicationsOf(
  q: Q,
  userId: number,
  state: 'open' | 'closed' | 'all',
  offset: number,
  limit: number,
): Promise<{ rows: ApplicationRow[]; total: number }> {
  const base = () => {
    // Started by the user, or a 利用 request that names them as a co-applicant (同行查档人员).
    const b = whereApplicantOf(q('workflow_cases as c').join('process_instances as pi', 'pi.id', 'c.instance_id'), 'c.initiator_id', 'c.instance_id', userId);
    if (state === 'open') b.whereIn('pi.status', LIVE_STATUSES);
    if (state === 'closed') b.whereIn('pi.status', ['completed', 'terminated']);
    return b;
  };
  const rows = await base()
    .select('c.*', 'pi.status', 'pi.business_key', 'pi.version')
    .orderBy([{ column: 'c.started_at', order: 'desc' }, { column: 'c.instance_id' }])
    .limit(limit)
    .offset(offset);
  const [{ n }] = await base().count<{ n: number | string }[]>({ n: '*' });
  return { rows, total: Number(n) };
}

export const countOpenApplications = async (q: Q, userId: number): Promise<number> => {
  const [{ n }] = await whereApplicantOf(q('workflow_cases as c').join('process_instances as pi', 'pi.id', 'c.instance_id'), 'c.initiator_id', 'c.instance_id', userId)
    .whereIn('pi.status', LIVE_STATUSES)
    .count<{ n: number | string }[]>({ n: '*' });
  return Number(n);
};

/** Open task names per instance, for "now at …" in the list. */
export async function openStepsOf(q: Q, instanceIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!instanceIds.length) return out;
  const rows = await q('tasks').whereIn('instance_id', instanceIds).andWhere('status', 'open').orderBy('created_at').select('instance_id', 'name');
  for (const r of rows) out.set(r.instance_id, [...(out.get(r.instance_id) ?? []), r.name]);
  return out;
}

/** Instances in which some task has been decided: withdrawal is no longer possible there. */
export async function decidedInstances(q: Q, instanceIds: string[]): Promise<Set<string>> {
  if (!instanceIds.length) return new Set();
  const rows = await q('tasks').whereIn('instance_id', instanceIds).andWhere('status', 'completed').distinct('instance_id');
  return new Set(rows.map((r: { instance_id: string }) => r.instance_id));
}

// Comments and attachments ----------------------------------------------------------------------

export async function insertComment(q: Q, row: Omit<CommentRow, 'id'>): Promise<number> {
  const [ret] = await q('case_comments').insert(row).returning('id');
  return typeof ret === 'object' ? ret.id : ret;
}

export const commentsOf = (q: Q, instanceId: string): Promise<(CommentRow & { author_name: string })[]> =>
  q('case_comments as cc')
    .join('users as u', 'u.id', 'cc.author_id')
    .where('cc.instance_id', instanceId)
    .orderBy('cc.id')
    .select('cc.*', 'u.display_name as author_name');

export async function insertAttachment(q: Q, row: AttachmentRow): Promise<void> {
  await q('case_attachments').insert(row);
}

export const attachmentsOf = (q: Q, instanceId: string): Promise<(AttachmentRow & { uploader_name: string })[]> =>
  q('case_attachments as a')
    .join('users as u', 'u.id', 'a.uploader_id')
    .where('a.instance_id', instanceId)
    .orderBy([{ column: 'a.created_at' }, { column: 'a.id' }])
    .select('a.*', 'u.display_name as uploader_name');

export const findAttachment = (q: Q, id: string): Promise<AttachmentRow | undefined> => q('case_attachments').where({ id }).first();

export async function countAttachments(q: Q, instanceId: string): Promise<number> {
  const [{ n }] = await q('case_attachments').where({ instance_id: instanceId }).count<{ n: number | string }[]>({ n: '*' });
  return Number(n);
}
