// Helpers for the 转递 scenarios: pick demo cadres by what an archivist would know about them, walk
// a transfer through its steps as the demo users would, and read what the database says afterwards.
import type { TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { completeAt, orgId, taskAt } from '../helpers/workflow.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { ServiceRegistry, type ServiceContext } from '../../server/engine/types.ts';
import { registerTransferServices } from '../../server/transfers/process.ts';

export const CITY = '150300-ZZB-DAS';
export const HBW = '150302-ZZB-DAS';

/**
 * A cadre of a city unit held by the city office (level `unit`), unrelated to every demo user, not
 * on an avoidance list, with no open transfer: `skip` picks another one.
 */
export async function cityCadre(sys: TestSystem, skip = 0, level = 'unit') {
  const db = sys.services.db;
  const city = await orgId(sys, CITY);
  const row = await db('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .join('org_units as u', 'u.id', 'c.org_unit_id')
    .where('a.custodian_org_id', city)
    .where('a.kind', 'original')
    .where('a.status', 'in_stock')
    .where('c.management_level', level)
    .where('u.path', 'like', `${(await db('org_units').where({ code: '150300' }).first()).path}%`)
    .whereNot('u.path', 'like', `${(await db('org_units').where({ code: '150302' }).first()).path}%`)
    .whereNotIn('c.id', db('users').whereNotNull('cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db('family_members').whereNotNull('related_cadre_id').select('related_cadre_id'))
    .whereNotIn('c.id', db('family_members as f').join('users as u2', 'u2.cadre_id', 'f.related_cadre_id').select('f.cadre_id'))
    .whereNotIn('c.id', db('avoidance_entries').select('cadre_id'))
    .whereNotIn('c.id', db('transfer_orders').whereNotNull('cadre_id').select('cadre_id'))
    .orderBy('a.id')
    .offset(skip)
    .first('a.id as archiveId', 'c.id as cadreId', 'c.name', 'c.id_number as idNumber', 'a.volumes', 'a.archive_no as archiveNo');
  if (!row) throw new Error('no plain city cadre left');
  return row as { archiveId: number; cadreId: number; name: string; idNumber: string; volumes: number; archiveNo: string };
}

/** 正本卷, 副本卷, 材料份 as the catalogue says (what a careful archivist counts). */
export async function counts(sys: TestSystem, cadreId: number, officeCode = CITY) {
  const db = sys.services.db;
  const office = await orgId(sys, officeCode);
  const archives = await db('archives').where({ cadre_id: cadreId, custodian_org_id: office });
  const ids = archives.map((a: any) => a.id);
  const [{ n }] = await db('materials as m')
    .whereIn('m.archive_id', ids)
    .whereNotExists(db('materials as s').whereRaw('s.supersedes_material_id = m.id').select('s.id'))
    .count({ n: '*' });
  const sum = (kind: string) => archives.filter((a: any) => a.kind === kind).reduce((x: number, a: any) => x + a.volumes, 0);
  return { volumesMain: sum('original'), volumesCopy: sum('copy'), materialCount: Number(n) };
}

/** Records the 任免 notice that moves a cadre from a city unit to 海勃湾区新华街道 (县管): custody moves. */
export async function moveToHaibowan(sys: TestSystem, archivist: HttpClient, cadreId: number, noticeDate = '2026-11-01') {
  return archivist.post(`/api/cadres/${cadreId}/position-changes`, {
    unitId: await orgId(sys, '150302-XH'),
    post: '副主任',
    managementLevel: 'county',
    noticeNo: '乌组任〔2026〕15号',
    noticeDate,
  });
}

export async function order(sys: TestSystem, instanceId: string) {
  return sys.services.db('transfer_orders').where({ instance_id: instanceId }).first();
}

export async function instance(sys: TestSystem, instanceId: string) {
  return sys.services.db('process_instances').where({ id: instanceId }).first();
}

export async function archiveRow(sys: TestSystem, archiveId: number) {
  return sys.services.db('archives').where({ id: archiveId }).first();
}

export async function openTasks(sys: TestSystem, instanceId: string) {
  return (await sys.services.db('tasks').where({ instance_id: instanceId, status: 'open' }).orderBy('created_at')).map((t: any) => t.element_id);
}

/** The whole preparation and approval of an out case, as archivist1 and chief1 do it. */
export async function prepareAndApprove(sys: TestSystem, id: string, cadreId: number) {
  const archivist = await sys.as('archivist1');
  const prep = await completeAt(archivist, id, 'prepareArchive', { complete: 'yes', ...(await counts(sys, cadreId)) });
  if (prep.status !== 200) throw new Error(`prepare: ${prep.status} ${JSON.stringify(prep.body)}`);
  const chief = await sys.as('chief1');
  const ok = await completeAt(chief, id, 'chiefApproval', { decision: 'approve', comment: '同意转出。' });
  if (ok.status !== 200) throw new Error(`approve: ${ok.status} ${JSON.stringify(ok.body)}`);
}

export const confidential = { method: 'confidential', sealed: true, comment: '机要交通发出。' };

export async function send(sys: TestSystem, id: string, variables: Record<string, unknown> = confidential) {
  return completeAt(await sys.as('archivist1'), id, 'issueSlip', variables);
}

/** The transfer-in case a sent order started for the receiving office. */
export async function inCaseOf(sys: TestSystem, outInstanceId: string) {
  const out = await order(sys, outInstanceId);
  const inOrder = await sys.services.db('transfer_orders').where({ id: out.peer_order_id }).first();
  return inOrder?.instance_id as string | undefined;
}

export { taskAt, completeAt, orgId };

/** A valid 18-digit ID number (GB 11643 check digit) for a person born on `birth`. */
export function idNumber(birth: string, serial: number, male = true): string {
  const seq = String(serial * 2 + (male ? 1 : 0)).padStart(3, '0').slice(-3);
  const body = `150302${birth.replaceAll('-', '')}${seq}`;
  return body + idCheckDigit(body);
}

/** Calls one of the transfer engine services directly, inside a transaction, as a case step would. */
export async function callService(sys: TestSystem, name: string, instanceId: string, variables: Record<string, unknown>, username = 'archivist1') {
  const s = sys.services;
  const registry = new ServiceRegistry();
  registerTransferServices(registry, { db: s.db, clock: s.clock, config: s.config, audit: s.audit, archives: s.archives, access: s.access, notify: s.notify, engine: () => s.engine });
  const u = await s.db('users').where({ username }).first();
  const roles = (await s.db('user_roles').where({ user_id: u.id })).map((r: any) => r.role);
  return s.db.transaction(async (trx) => {
    const ctx: ServiceContext = {
      trx,
      clock: s.clock,
      actor: { id: u.id, username, roles, orgUnitId: u.org_unit_id },
      instanceId,
      processKey: 'transfer',
      elementId: name,
      element: { id: name, type: 'bpmn:ServiceTask', name },
      variables,
      params: s.config.params,
      setBusinessKey: () => undefined,
    };
    return registry.get(name)!(ctx);
  });
}
