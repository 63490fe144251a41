// The catalogue's rules: 序号 unique under concurrent filing, append-only at the database level
// (UPDATE and DELETE refused by triggers on SQLite and PostgreSQL), corrections by superseding
// rows, and the validation an archivist meets when filing.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf } from './helpers.ts';

let sys: TestSystem;
let archiveId: number;
test.before(async () => {
  sys = await startSystem();
  archiveId = (await plainArchiveOf(sys, '150300-ZZB-DAS', 7)).archiveId;
});
test.after.always(async () => {
  await sys?.close();
});

const material = (over: Record<string, unknown> = {}) => ({ categoryCode: '9-2', title: '干部任免审批表', formedDate: '2026-03-15', pages: 2, isCopy: false, ...over });

test.serial('concurrent filings into one archive and category take distinct, consecutive 序号', async (t) => {
  const s = sys.services;
  const before = await s.db('materials').where({ archive_id: archiveId, category_code: '9-2' }).max({ n: 'item_no' }).first();
  const start = Number(before?.n ?? 0);
  const N = 16;
  const rows = await Promise.all(
    Array.from({ length: N }, (_, i) => s.db.transaction((trx) => s.archives.fileMaterial(trx, { archiveId, actor: null, ...material({ title: `任免审批表 第${i}份` }) } as never))),
  );
  const numbers = rows.map((r) => r.item_no).sort((a, b) => a - b);
  t.deepEqual(numbers, Array.from({ length: N }, (_, i) => start + i + 1));
  t.deepEqual(new Set(rows.map((r) => r.seq_no)).size, N);
  t.true(rows.every((r) => r.seq_no === `9-2-${r.item_no}`));
  const inDb = await s.db('materials').where({ archive_id: archiveId, category_code: '9-2' }).select('item_no');
  t.is(new Set(inDb.map((r: any) => r.item_no)).size, inDb.length);
});

test.serial('the database refuses UPDATE and DELETE of a filed material', async (t) => {
  const s = sys.services;
  const m = await s.db('materials').where({ archive_id: archiveId }).orderBy('id').first();
  await t.throwsAsync(s.db('materials').where({ id: m.id }).update({ title: '篡改后的标题' }), { any: true, message: /append-only/ });
  await t.throwsAsync(s.db('materials').where({ id: m.id }).delete(), { any: true, message: /append-only/ });
  await t.throwsAsync(s.db.raw('UPDATE materials SET pages = pages + 1'), { any: true, message: /append-only/ });
  const after = await s.db('materials').where({ id: m.id }).first();
  t.deepEqual(after, m);
  t.is(await s.db('materials').where({ archive_id: archiveId }).count({ n: '*' }).then((r: any) => Number(r[0].n)) > 0, true);
});

test.serial('an archivist files over HTTP; a correction supersedes and keeps the old row as it was', async (t) => {
  const archivist = await sys.as('archivist1');
  const filed = await archivist.post(`/api/archives/${archiveId}/materials`, material({ categoryCode: '7', title: '公务员嘉奖审批表', formedDate: '2026-01-20', pages: 1 }));
  t.is(filed.status, 201);
  t.regex(filed.body.seqNo, /^7-\d+$/);
  const fixed = await archivist.post(`/api/materials/${filed.body.id}/supersede`, { formedDate: '2026-01-22', reason: '形成时间按落款日期更正' });
  t.is(fixed.status, 201);
  t.is(fixed.body.seqNo, filed.body.seqNo);
  t.is(fixed.body.revision, 1);
  t.is(fixed.body.supersedesMaterialId, filed.body.id);
  const old = await sys.services.db('materials').where({ id: filed.body.id }).first();
  t.is(old.formed_date, '2026-01-20');
  const cat = await archivist.get(`/api/archives/${archiveId}/catalogue`);
  const seven = cat.body.categories.find((c: any) => c.code === '7').materials;
  t.deepEqual(seven.filter((m: any) => m.seqNo === filed.body.seqNo).map((m: any) => m.id), [fixed.body.id]);
  // Correcting the old row again is refused: correct the newest.
  const again = await archivist.post(`/api/materials/${filed.body.id}/supersede`, { pages: 2, reason: '页数' });
  t.is(again.status, 409);
  t.is(again.body.code, 'MATERIAL_SUPERSEDED');
  t.truthy((await sys.services.db('audit_log').where({ action: 'material.supersede' }).first()));
});

test.serial('a correction must change something and give a reason of 2–200 characters; the corrections show on the material with who, when, why and what changed', async (t) => {
  const archivist = await sys.as('archivist1');
  const filed = await archivist.post(`/api/archives/${archiveId}/materials`, material({ categoryCode: '7', title: '年度考核登记表', formedDate: '2025-12-20', pages: 2, isCopy: true, copyDate: '2026-01-05' }));
  t.is(filed.status, 201, JSON.stringify(filed.body));
  const rows = async () => Number((await sys.services.db('materials').where({ archive_id: archiveId }).count({ n: '*' }))[0].n);
  const before = await rows();
  const url = `/api/materials/${filed.body.id}/supersede`;

  // Nothing changed: no field, or the values it has (the title as filed, spaces aside).
  for (const body of [{ reason: '核对无误' }, { reason: '核对无误', title: ' 年度考核登记表 ', pages: 2, isCopy: true, copyDate: '2026-01-05' }]) {
    const same = await archivist.post(url, body);
    t.is(same.status, 400, JSON.stringify(body));
    t.is(same.body.code, 'VALIDATION_FAILED');
    t.is(same.body.message, '更正没有改动任何内容 / The correction changes nothing');
  }
  // The reason: at least 2 characters, at most 200, as a mark's.
  for (const reason of ['页', '  页 ', 'x'.repeat(201)]) {
    const bad = await archivist.post(url, { reason, pages: 3 });
    t.is(bad.status, 400, reason);
    t.true(bad.body.details.some((d: any) => d.field === 'reason'), JSON.stringify(bad.body));
  }
  t.is(await rows(), before, 'no revision was written');

  // A copy corrected in its title only stays a copy with its copy date.
  const fixed = await archivist.post(url, { reason: '题名按原件更正', title: '年度考核登记表（2025年度）' });
  t.is(fixed.status, 201, JSON.stringify(fixed.body));
  t.like(fixed.body, { revision: 1, isCopy: true, copyDate: '2026-01-05' });
  sys.clock.advance(60_000);
  const chief = await sys.as('chief1');
  const again = await chief.post(`/api/materials/${fixed.body.id}/supersede`, { reason: '页数按实有页数更正', pages: 3, remark: '缺第2页原件' });
  t.is(again.status, 201);

  // The material shows its corrections, oldest first — the old row too, so the trail is found from either.
  const names = Object.fromEntries((await sys.services.db('users').whereIn('username', ['archivist1', 'chief1']).select('username', 'display_name')).map((u: any) => [u.username, u.display_name]));
  const expected = [
    { revision: 1, materialId: fixed.body.id, byName: names.archivist1, reason: '题名按原件更正', changes: [{ field: 'title', from: '年度考核登记表', to: '年度考核登记表（2025年度）' }] },
    {
      revision: 2,
      materialId: again.body.id,
      byName: names.chief1,
      reason: '页数按实有页数更正',
      changes: [
        { field: 'pages', from: 2, to: 3 },
        { field: 'remark', from: null, to: '缺第2页原件' },
      ],
    },
  ];
  for (const id of [again.body.id, filed.body.id]) {
    const view = await archivist.get(`/api/materials/${id}`);
    t.is(view.status, 200);
    t.deepEqual(view.body.corrections.map(({ at: _at, ...c }: any) => c), expected, `material ${id}`);
    t.is(view.body.corrections[1].at, again.body.filedAt);
  }
});

test.serial('filing checks: full date, pages > 0, a copy needs its copy date, sub-category for 4 and 9', async (t) => {
  const archivist = await sys.as('archivist1');
  const count = async () => Number((await sys.services.db('materials').where({ archive_id: archiveId }).count({ n: '*' }))[0].n);
  const before = await count();
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ formedDate: '2026-03' }, 'formedDate'],
    [{ formedDate: '2026-02-30' }, 'formedDate'],
    [{ formedDate: '2099-01-01' }, 'formedDate'],
    [{ pages: 0 }, 'pages'],
    [{ pages: -3 }, 'pages'],
    [{ isCopy: true }, 'copyDate'],
    [{ isCopy: true, copyDate: '2026-03-01' }, 'copyDate'],
    [{ categoryCode: '9' }, 'categoryCode'],
    [{ categoryCode: '11' }, 'categoryCode'],
  ];
  for (const [over, field] of cases) {
    const res = await archivist.post(`/api/archives/${archiveId}/materials`, material(over));
    t.is(res.status, 400, JSON.stringify(over));
    t.is(res.body.code, 'VALIDATION_FAILED');
    t.true(res.body.details.some((d: any) => d.field === field), JSON.stringify(res.body.details));
    t.regex(res.body.details.find((d: any) => d.field === field).message, /[\u4e00-\u9fa5].* \/ [a-z]/i);
  }
  // A complete date, only too early, is said to be too early — not "not a full date".
  const early = await archivist.post(`/api/archives/${archiveId}/materials`, material({ formedDate: '1800-02-01' }));
  t.is(early.status, 400);
  t.is(early.body.details.find((d: any) => d.field === 'formedDate').message, '材料形成时间不能早于 1900 年 / the formation date cannot be before 1900');
  const copy = await archivist.post(`/api/archives/${archiveId}/materials`, material({ categoryCode: '4-1', title: '学位证书', isCopy: true, copyDate: '2026-04-01', remark: '复印件' }));
  t.is(copy.status, 201);
  t.is(await count(), before + 1);
  // Another office's archivist cannot file into this archive: 404, and nothing filed.
  const res = await (await sys.as('receiver1')).post(`/api/archives/${archiveId}/materials`, material());
  t.is(res.status, 404);
  t.is(await count(), before + 1);
});

test.serial('"today" is the Beijing calendar day: at 01:30 in Beijing a material formed that day is filed, the next day refused', async (t) => {
  const was = sys.clock.now();
  // 2026-11-28 01:30 in Beijing is still 2026-11-27 in UTC
  sys.clock.set('2026-11-27T17:30:00.000Z');
  try {
    const archivist = await sys.as('archivist1');
    const filed = await archivist.post(`/api/archives/${archiveId}/materials`, material({ categoryCode: '7', title: '公务员嘉奖审批表', formedDate: '2026-11-28', pages: 1 }));
    t.is(filed.status, 201, JSON.stringify(filed.body));
    const early = await archivist.post(`/api/archives/${archiveId}/materials`, material({ categoryCode: '7', title: '公务员嘉奖审批表', formedDate: '2026-11-29', pages: 1 }));
    t.is(early.status, 400);
    t.true(early.body.details.some((d: any) => d.field === 'formedDate'));
  } finally {
    sys.clock.set(was);
  }
});

test.serial('archive status moves only along the transition table, each change recorded', async (t) => {
  const s = sys.services;
  const a = await s.db.transaction((trx) => s.archives.changeArchiveStatus(trx, { archiveId, to: 'on_loan', reason: '借阅', actor: null, instanceId: 'case-1' }));
  t.is(a.status, 'on_loan');
  const err = await t.throwsAsync(s.db.transaction((trx) => s.archives.changeArchiveStatus(trx, { archiveId, to: 'transferring', reason: '转出', actor: null })));
  t.is((err as any).code, 'RULE_VIOLATION');
  t.is((err as any).details.rule, 'archive_status');
  t.is((await s.db('archives').where({ id: archiveId }).first()).status, 'on_loan');
  await s.db.transaction((trx) => s.archives.changeArchiveStatus(trx, { archiveId, to: 'in_stock', reason: '归还', actor: null, instanceId: 'case-1' }));
  const history = await s.db('archive_status_history').where({ archive_id: archiveId }).orderBy('id');
  t.deepEqual(history.slice(-2).map((h: any) => [h.from_status, h.to_status, h.instance_id]), [['in_stock', 'on_loan', 'case-1'], ['on_loan', 'in_stock', 'case-1']]);
  // Custody moves only through a transfer.
  const hbw = await s.db('org_units').where({ code: '150302-ZZB-DAS' }).first();
  const notYet = await t.throwsAsync(s.db.transaction((trx) => s.archives.changeArchiveCustodian(trx, { archiveId, toOrgId: hbw.id, reason: '转递', actor: null })));
  t.is((notYet as any).details.rule, 'archive_status');
  await s.db.transaction(async (trx) => {
    await s.archives.changeArchiveStatus(trx, { archiveId, to: 'transferring', reason: '调往海勃湾区', actor: null });
    await s.archives.changeArchiveCustodian(trx, { archiveId, toOrgId: hbw.id, reason: '转递接收', actor: null });
  });
  const moved = await s.db('archives').where({ id: archiveId }).first();
  t.is(moved.custodian_org_id, hbw.id);
  t.is(moved.status, 'in_stock');
  t.is((await s.db('cadres').where({ id: moved.cadre_id }).first()).custodian_org_id, hbw.id);
  t.is((await (await sys.as('archivist1')).get(`/api/archives/${archiveId}`)).status, 404);
  t.is((await (await sys.as('receiver1')).get(`/api/archives/${archiveId}`)).status, 200);
});
