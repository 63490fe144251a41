// Helpers for the material-collection and collection-notice scenarios: a cadre of the city office
// the demo users are not tied to, the registration form as a producer fills it in, page scans.
import sharp from 'sharp';
import type { TestSystem } from '../helpers/server.ts';
import type { HttpClient } from '../helpers/http.ts';
import { addUser } from '../helpers/users.ts';
import { beijingDay } from '../../server/notify/beijing.ts';

/** A cadre whose 正本 the city office holds, unrelated to any demo user; `digitised` picks the archive kind. */
export async function plainCadre(sys: TestSystem, opts: { digitised: boolean; skip?: number }) {
  const db = sys.services.db;
  const office = await db('org_units').where({ code: '150300-ZZB-DAS' }).first();
  const row = await db('archives as a')
    .join('cadres as c', 'c.id', 'a.cadre_id')
    .where('a.custodian_org_id', office.id)
    .where('a.kind', 'original')
    .where('a.status', 'in_stock')
    .where('a.digital_status', opts.digitised ? 'partial' : 'none')
    .whereNotNull('c.work_start_date')
    .whereNotNull('c.party_join_date')
    .whereNotIn('c.id', db('users').whereNotNull('cadre_id').select('cadre_id'))
    .whereNotIn('c.id', db('family_members').whereNotNull('related_cadre_id').select('related_cadre_id'))
    .whereNotIn('c.id', db('family_members').join('cadres as r', 'r.id_number', 'family_members.id_number').select('family_members.cadre_id'))
    .whereNotIn('c.id', db('avoidance_entries').select('cadre_id'))
    .orderBy('a.id')
    .offset(opts.skip ?? 0)
    .first('c.*', 'a.id as archive_id');
  if (!row) throw new Error('no plain cadre');
  return row as { id: number; name: string; id_number: string; birth_date: string; work_start_date: string; party_join_date: string; archive_id: number };
}

export const today = (sys: TestSystem) => beijingDay(sys.clock.now());
export function daysAgo(sys: TestSystem, n: number): string {
  return beijingDay(new Date(sys.clock.now().getTime() - n * 86_400_000));
}

/** The start form of material-collection, as a producer fills it in from the material. */
export function registration(cadre: { name: string; id_number: string; birth_date: string; work_start_date: string | null; party_join_date: string | null }, formedDate: string, over: Record<string, unknown> = {}) {
  return {
    cadreName: cadre.name,
    cadreIdNumber: cadre.id_number,
    title: '2026年度公务员年度考核登记表',
    categoryCode: '3',
    formedDate,
    pages: 2,
    deliveryMethod: 'hand',
    statedName: cadre.name,
    statedBirthDate: cadre.birth_date,
    ...(cadre.work_start_date ? { statedWorkStartDate: cadre.work_start_date } : {}),
    ...(cadre.party_join_date ? { statedPartyJoinDate: cadre.party_join_date } : {}),
    ...over,
  };
}

export const ALL_CHECKS = ['finished', 'subject', 'complete', 'legible', 'truthful', 'wellFilled', 'formalities', 'originalOrSealedCopy', 'paperAndInk'];
export const accept = (comment = '经鉴别，材料合格，准予归档。') => ({ passedChecks: ALL_CHECKS, decision: 'accept', comment });
export const sendBack = (comment = '手续不完备，缺少单位盖章，请补正。', passedChecks = ALL_CHECKS.filter((c) => c !== 'formalities')) => ({ passedChecks, decision: 'return', comment });

/** A distinct page image (JPEG) at the given resolution. */
export async function pageScan(n: number, dpi = 300): Promise<Buffer> {
  return sharp({ create: { width: 120, height: 170, channels: 3, background: { r: 250 - n, g: 248, b: 240 + (n % 10) } } })
    .jpeg()
    .withMetadata({ density: dpi })
    .toBuffer();
}

export async function uploadScan(client: HttpClient, intakeId: number, buf: Buffer, type = 'image/jpeg') {
  return client.request('POST', `/api/material-intakes/${intakeId}/scans`, new Uint8Array(buf), { 'content-type': type });
}

/** A second producer of the same unit as producer1 (another 经办人 of the 人社局). */
export async function secondProducer(sys: TestSystem): Promise<string> {
  const username = 'producer2';
  if (!(await sys.services.db('users').where({ username }).first())) await addUser(sys, { username, displayName: '钱芳', org: '150300-RSJ', roles: ['producer'] });
  return username;
}

export async function countOf(sys: TestSystem, table: string, where: Record<string, unknown> = {}): Promise<number> {
  const [{ n }] = await sys.services.db(table).where(where).count({ n: '*' });
  return Number(n);
}
