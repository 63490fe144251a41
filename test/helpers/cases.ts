// Applications for process scenarios, UI tests and screenshots, filed and moved on through the HTTP
// API as the demo users would: a consultation (查阅/借阅) or copy (复制/摘录) request naming its
// target by name and ID number with a colleague as co-applicant, and the approvers' steps.
import type { TestSystem } from './server.ts';
import { approve, taskAt } from './workflow.ts';
import { randomUUID } from 'node:crypto';
import sharp from 'sharp';
import { beijingDay } from '../../server/notify/beijing.ts';
import { EngineHooks, ServiceRegistry } from '../../server/engine/types.ts';
import { registerRequestServices } from '../../server/requests/service.ts';
import { actor } from './notify.ts';

export const REASONS = [
  '拟提拔考察，需查阅该同志干部人事档案中的任免、考核材料。',
  '职称评聘需要核对学历学位及专业技术职务材料。',
  '巡察工作需要了解干部基本情况及奖惩情况。',
  '发展党员政治审查，需查阅政审材料。',
  '干部日常管理中需熟悉了解干部，查阅履历材料。',
  '人才引进需核实工作经历与学历。',
];

export interface DemoCadre {
  id: number;
  name: string;
  idNumber: string;
  level: string;
  archiveId: number;
  custodianOrgId: number;
}

/**
 * A cadre of the demo whose archive (正本, in stock) the city office holds, of the given level, who
 * is nobody's relative, no demo user and on no avoidance list: a clean target for a request.
 * `nth` picks another one of the same kind.
 */
export async function demoCadre(sys: TestSystem, level = 'county', nth = 0, kind: 'original' | 'copy' = 'original'): Promise<DemoCadre> {
  const db = sys.services.db;
  const city = await db('org_units').where({ code: '150300-ZZB-DAS' }).first('id');
  const rows = await db('cadres as c')
    .join('archives as a', 'a.cadre_id', 'c.id')
    .where({ 'a.custodian_org_id': city.id, 'a.kind': kind, 'a.status': 'in_stock', 'c.management_level': level })
    .whereNotIn('c.id', db('users').whereNotNull('cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db('family_members').whereNotNull('related_cadre_id').select('related_cadre_id'))
    .whereNotIn('c.id', db('family_members').whereNotNull('related_cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db('avoidance_entries').select('cadre_id'))
    .orderBy('c.id')
    .select('c.id', 'c.name', 'c.id_number', 'c.management_level', 'a.id as archive_id', 'a.custodian_org_id');
  const r = rows[nth];
  if (!r) throw new Error(`no clean ${level} cadre #${nth}`);
  return { id: r.id, name: r.name, idNumber: r.id_number, level: r.management_level, archiveId: r.archive_id, custodianOrgId: r.custodian_org_id };
}

/**
 * The newest clean cadre (as demoCadre: nobody's relative, no demo user, on no avoidance list) whose
 * original archive the city office holds undigitised, with materials in categories 1 and 9: a target
 * for 电子查阅 whose two categories the test scans and then fails one way or another.
 */
export async function cleanCadreWithCategories19(sys: TestSystem): Promise<DemoCadre> {
  const db = sys.services.db;
  const city = await db('org_units').where({ code: '150300-ZZB-DAS' }).first('id');
  const has = (code: string) => (w: any) => w.where('m.category_code', code).orWhere('m.category_code', 'like', `${code}-%`);
  const r = await db('cadres as c')
    .join('archives as a', 'a.cadre_id', 'c.id')
    .where({ 'a.custodian_org_id': city.id, 'a.kind': 'original', 'a.status': 'in_stock', 'a.digital_status': 'none' })
    .whereNotIn('c.id', db('users').whereNotNull('cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db('family_members').whereNotNull('related_cadre_id').select('related_cadre_id'))
    .whereNotIn('c.id', db('family_members').whereNotNull('related_cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db('avoidance_entries').select('cadre_id'))
    .whereExists(db('materials as m').whereRaw('m.archive_id = a.id').where(has('9')).select('m.id'))
    .whereExists(db('materials as m').whereRaw('m.archive_id = a.id').where(has('1')).select('m.id'))
    .orderBy('c.id', 'desc')
    .first('c.id', 'c.name', 'c.id_number', 'c.management_level', 'a.id as archive_id', 'a.custodian_org_id');
  return { id: r.id, name: r.name, idNumber: r.id_number, level: r.management_level, archiveId: r.archive_id, custodianOrgId: r.custodian_org_id };
}

/** Another active applicant of the same unit: the co-applicant every request needs. */
export async function colleagueOf(sys: TestSystem, username: string): Promise<number> {
  const db = sys.services.db;
  const me = await db('users').where({ username }).first('id', 'org_unit_id');
  const other = await db('users as u')
    .join('user_roles as r', 'r.user_id', 'u.id')
    .where({ 'u.org_unit_id': me.org_unit_id, 'r.role': 'applicant', 'u.disabled': false })
    .whereNot('u.id', me.id)
    .orderBy('u.id')
    .first('u.id');
  if (!other) throw new Error(`${username} has no colleague who is an applicant: add one`);
  return other.id;
}

export const todayIn = (sys: TestSystem): string => beijingDay(sys.clock.now());

/** The start variables of a consultation about `cadre` (electronic for 2 days from today by default). */
/**
 * One page image on the first material of each category that has none, so that an electronic
 * request for them can be filed and granted (电子查阅 needs page images: server/requests/digitisation.ts).
 * The demo's scans are rendered by the running server only, never in tests.
 */
export async function ensureScanned(sys: TestSystem, archiveId: number, categories: string[]): Promise<void> {
  const db = sys.services.db;
  for (const code of categories) {
    const materials = db('materials').where({ archive_id: archiveId }).where((w) => w.where('category_code', code).orWhere('category_code', 'like', `${code}-%`));
    const scanned = await materials.clone().whereExists(db('page_images as p').whereRaw('p.material_id = materials.id').select('p.id')).first('id');
    if (scanned) continue;
    const m = await materials.clone().orderBy('id').first('id');
    if (!m) continue;
    const page = await sharp({ create: { width: 400, height: 560, channels: 3, background: '#f4f1e8' } }).jpeg().withDensity(200).toBuffer();
    await db.transaction((trx) => sys.services.archives.addPageScans(trx, m.id, [page]));
  }
}

export async function borrowingVariables(sys: TestSystem, applicant: string, cadre: DemoCadre, over: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const { scanned, ...given } = over;
  over = given;
  const mode = (over.mode as string | undefined) ?? 'electronic';
  // `scanned: false`: leave the archive as it is (a test of the digitisation rule).
  if (mode === 'electronic' && scanned !== false) await ensureScanned(sys, cadre.archiveId, (over.categories as string[] | undefined) ?? ['1', '9']);
  const base: Record<string, unknown> = {
    cadreName: cadre.name,
    cadreIdNumber: cadre.idNumber,
    coApplicants: over.coApplicants ?? [String(await colleagueOf(sys, applicant))],
    purpose: '2',
    reason: REASONS[0],
    mode,
    categories: ['1', '9'],
  };
  if (mode !== 'loan') base.viewFrom = todayIn(sys);
  if (mode === 'electronic') base.viewDays = 2;
  if (mode === 'loan') base.loanDays = 5;
  const out = { ...base, ...over };
  for (const [k, v] of Object.entries(out)) if (v === undefined) delete out[k];
  return out;
}

/** The start variables of a copy request for the first `n` materials of the cadre's catalogue. */
export async function copyVariables(sys: TestSystem, applicant: string, cadre: DemoCadre, over: Record<string, unknown> = {}, n = 2): Promise<Record<string, unknown>> {
  const seqs = (await sys.services.db('materials').where({ archive_id: cadre.archiveId }).orderBy('id').limit(n).select('seq_no')).map((m: { seq_no: string }) => m.seq_no);
  return {
    cadreName: cadre.name,
    cadreIdNumber: cadre.idNumber,
    coApplicants: over.coApplicants ?? [String(await colleagueOf(sys, applicant))],
    kind: 'copy',
    purpose: '2',
    reason: '干部考察需要复制任免审批表。',
    materials: seqs,
    copies: 2,
    ...over,
  };
}

export async function fileConsultation(sys: TestSystem, applicant: string, reason: string, purpose = '2', mode = 'electronic', cadre?: DemoCadre): Promise<string> {
  const c = await sys.as(applicant);
  const target = cadre ?? (await demoCadre(sys));
  const res = await c.post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, applicant, target, { reason, purpose, mode }),
  });
  if (res.status !== 201) throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.id;
}

export async function approveStep(sys: TestSystem, username: string, instanceId: string, elementId: string, comment = '同意。', extra: Record<string, unknown> = {}): Promise<void> {
  const c = await sys.as(username);
  const task = await taskAt(c, instanceId, elementId);
  if (!task) throw new Error(`${username} has no task ${elementId} in ${instanceId}`);
  const r = await c.post(`/api/tasks/${task.id}/complete`, { variables: { ...approve(comment), ...extra } });
  if (r.status !== 200) throw new Error(`complete: ${r.status} ${JSON.stringify(r.body)}`);
}

/** A consultation that has passed the applicant's unit head and waits for the archivist. */
export async function atArchive(sys: TestSystem, applicant: string, unitHead: string, reason: string, purpose = '2'): Promise<string> {
  const id = await fileConsultation(sys, applicant, reason, purpose);
  await approveStep(sys, unitHead, id, 'unitHeadReview', '情况属实，同意。');
  return id;
}

/**
 * Runs one of the request processes' engine services directly, in its own transaction, the way its
 * service task would (for rules the forms stop before the service can see them).
 */
export async function callRequestService(sys: TestSystem, name: string, variables: Record<string, unknown>, opts: { instanceId?: string; as?: string | null } = {}) {
  const s = sys.services;
  const registry = new ServiceRegistry();
  registerRequestServices(registry, new EngineHooks(), { access: s.access, archives: s.archives, deadlines: s.deadlines, notify: s.notify }, sys.clock);
  const who = opts.as === null ? null : await actor(sys, opts.as ?? 'applicant1');
  const inst = opts.instanceId ? await s.db('process_instances').where({ id: opts.instanceId }).first() : undefined;
  return s.db.transaction((trx) =>
    registry.get(name)!({
      trx,
      clock: sys.clock,
      actor: who,
      instanceId: opts.instanceId ?? randomUUID(),
      processKey: inst?.process_key ?? 'borrowing',
      elementId: name,
      element: { id: name, type: 'bpmn:ServiceTask', name },
      variables: { ...(inst ? JSON.parse(inst.variables) : {}), ...variables },
      params: s.config.params,
      setBusinessKey: () => undefined,
    }),
  );
}

/**
 * A 借阅 about the cadre filed by applicant1, past the unit head, at the archivist's 受理审查 — as
 * `archivist` sees it in the inbox; claimed by them with `claim`. For the tests of who may hold it.
 */
export async function borrowingAtReview(sys: TestSystem, cadre: DemoCadre, archivist: string, opts: { claim?: boolean } = {}): Promise<{ instanceId: string; taskId: string }> {
  const res = await (await sys.as('applicant1')).post('/api/process-instances', {
    processKey: 'borrowing',
    variables: await borrowingVariables(sys, 'applicant1', cadre, { purpose: '2', mode: 'onsite', reason: '拟提拔考察，需查阅干部档案。' }),
  });
  if (res.status !== 201) throw new Error(JSON.stringify(res.body));
  await approveStep(sys, 'unithead1', res.body.id, 'unitHeadReview');
  const c = await sys.as(archivist);
  const task = await taskAt(c, res.body.id, 'archivistReview');
  if (!task) throw new Error(`${archivist} is not offered the 受理审查 of ${res.body.id}`);
  if (opts.claim) {
    const r = await c.post(`/api/tasks/${task.id}/claim`);
    if (r.status !== 200) throw new Error(`claim: ${r.status} ${JSON.stringify(r.body)}`);
  }
  return { instanceId: res.body.id, taskId: task.id };
}
