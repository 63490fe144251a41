// The archivist's writes to an archive refused by scope leave a denied audit row, as refused reads
// do: filing a material, correcting one, uploading and replacing a page, adding a family member —
// by an archivist of another office ('out_of_scope'), on one's own archive ('self'), a relative's
// ('relative') or a cadre on one's avoidance list ('avoided'). The answer stays the 404 of an absent
// object (nothing of the record), exactly one row is written per refusal, and nothing else changes.
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { cadreNamed, cadreOfUser, materialIn, plainArchiveOf, postBytes } from './helpers.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
const page = () => sharp({ create: { width: 60, height: 85, channels: 3, background: '#eee' } }).jpeg().withMetadata({ density: 300 }).toBuffer();

async function putBytes(client: { base: string }, path: string, body: Buffer) {
  const cookie = (client as unknown as { cookie: string }).cookie;
  const res = await fetch(client.base + path, { method: 'PUT', headers: { cookie, 'content-type': 'image/jpeg' }, body });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

type Client = Awaited<ReturnType<TestSystem['as']>>;

/** Every write of the archivist on an archive (and one material of it), as the client sends them. */
function writes(client: Client, archiveId: number, materialId: number, cadreId: number) {
  return {
    'material.file': async () => client.post(`/api/archives/${archiveId}/materials`, { categoryCode: '7', title: '嘉奖审批表', formedDate: '2026-01-10', pages: 1 }),
    'material.supersede': async () => client.post(`/api/materials/${materialId}/supersede`, { reason: '题名有误', title: '更正后的题名' }),
    'page.upload': async () => postBytes(client, `/api/materials/${materialId}/pages`, await page(), 'image/jpeg'),
    'page.replace': async () => putBytes(client, `/api/materials/${materialId}/pages/1`, await page()),
    'cadre.family_add': async () => client.post(`/api/cadres/${cadreId}/family-members`, { name: '某某', relation: '兄弟' }),
  };
}
const objectOf = (action: string, ids: { archiveId: number; materialId: number; cadreId: number }) =>
  action === 'material.file' ? ['archive', ids.archiveId] : action === 'cadre.family_add' ? ['cadre', ids.cadreId] : ['material', ids.materialId];

const lastSeq = async () => Number((await db()('audit_log').max({ s: 'seq' }))[0].s);
const rowsAfter = (seq: number) => db()('audit_log').where('seq', '>', seq).orderBy('seq');
const counts = async () => ({
  materials: Number((await db()('materials').count({ n: '*' }))[0].n),
  pages: Number((await db()('page_images').count({ n: '*' }))[0].n),
  family: Number((await db()('family_members').count({ n: '*' }))[0].n),
});

/** Each write is 404 like the absent object, and leaves exactly one denied row naming the user, the object and the reason. */
async function assertRefusedAndAudited(t: any, username: string, ids: { archiveId: number; materialId: number; cadreId: number }, reason: string) {
  const client = await sys.as(username);
  const absent = writes(client, 99_999_999, 99_999_999, 99_999_999);
  const before = await counts();
  for (const [action, send] of Object.entries(writes(client, ids.archiveId, ids.materialId, ids.cadreId))) {
    const seq = await lastSeq();
    const res = await send();
    t.is(res.status, 404, `${username} ${action}: ${JSON.stringify(res.body)}`);
    t.is(res.body.code, 'NOT_FOUND');
    const rows = await rowsAfter(seq);
    t.is(rows.length, 1, `${action}: exactly one audit row`);
    const [type, id] = objectOf(action, ids);
    t.like(rows[0], { action, outcome: 'denied', actor: username, object_type: type, object_id: String(id) }, action);
    t.deepEqual(JSON.parse(rows[0].detail), { reason }, action);
    // No leak of existence: the answer is the one for an object that does not exist.
    const none = await absent[action as keyof typeof absent]();
    t.deepEqual(res.body, none.body, `${action}: the same answer as for an absent object`);
  }
  t.deepEqual(await counts(), before, 'nothing written');
}

test.serial('an archivist of another office: every write is 404 as absent, audited denied out_of_scope', async (t) => {
  const { cadre, archive } = await cadreNamed(sys, '张建军'); // held by the city office
  const m = await materialIn(sys, archive.id, '1');
  await assertRefusedAndAudited(t, 'receiver1', { archiveId: archive.id, materialId: m.id, cadreId: cadre.id }, 'out_of_scope');
});

test.serial('absent objects are audited as denied, reason absent, and answered 404', async (t) => {
  const client = await sys.as('archivist1');
  for (const [action, send] of Object.entries(writes(client, 99_999_999, 99_999_999, 99_999_999))) {
    const seq = await lastSeq();
    t.is((await send()).status, 404, action);
    const rows = await rowsAfter(seq);
    t.is(rows.length, 1, action);
    t.like(rows[0], { action, outcome: 'denied', actor: 'archivist1', object_id: '99999999' });
    t.deepEqual(JSON.parse(rows[0].detail), { reason: 'absent' });
  }
});

test.serial('one’s own archive, a relative’s and one on the avoidance list: 404, audited self / relative / avoided', async (t) => {
  const own = await cadreOfUser(sys, 'archivist1');
  const ownMaterial = await db()('materials').where({ archive_id: own.archive.id }).orderBy('id').first();
  await assertRefusedAndAudited(t, 'archivist1', { archiveId: own.archive.id, materialId: ownMaterial.id, cadreId: own.cadre.id }, 'self');

  const brother = await cadreNamed(sys, '陈立军'); // chief1's brother, held by chief1's office
  const brotherMaterial = await db()('materials').where({ archive_id: brother.archive.id }).orderBy('id').first();
  await assertRefusedAndAudited(t, 'chief1', { archiveId: brother.archive.id, materialId: brotherMaterial.id, cadreId: brother.cadre.id }, 'relative');

  const avoided = await plainArchiveOf(sys, '150300-ZZB-DAS', 3);
  const archivist = await db()('users').where({ username: 'archivist1' }).first();
  await db()('avoidance_entries').insert({ user_id: archivist.id, cadre_id: avoided.cadreId, reason: '同一科室', created_at: sys.clock.now().toISOString(), created_by: archivist.id });
  const avoidedMaterial = await db()('materials').where({ archive_id: avoided.archiveId }).orderBy('id').first();
  await assertRefusedAndAudited(t, 'archivist1', { archiveId: avoided.archiveId, materialId: avoidedMaterial.id, cadreId: avoided.cadreId }, 'avoided');

  // A colleague without the tie files into the same archive as before, audited as a success.
  const filed = await (await sys.as('chief1')).post(`/api/archives/${avoided.archiveId}/materials`, { categoryCode: '7', title: '嘉奖审批表', formedDate: '2026-01-10', pages: 1 });
  t.is(filed.status, 201, JSON.stringify(filed.body));
  const row = await db()('audit_log').where({ action: 'material.file', object_id: String(filed.body.id) }).first();
  t.like(row, { actor: 'chief1', outcome: 'success' });
});
