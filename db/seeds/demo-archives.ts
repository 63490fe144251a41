// The demo archive office (DESIGN.md "Demo data"): more units of Wuhai, the custody ranges of the
// two custodian offices, about 200 synthetic cadres with family members, their archives and
// catalogues. Some demo users are cadres themselves and some are relatives of cadres, so that the
// self / relative / avoidance rules can be shown: archivist1 and chief1 are held by their own
// office; applicant2 (李红梅) is the spouse of 张建军, a 市管 cadre held by the city office; chief1's
// brother 陈立军 is held there too; archivist1 must avoid one 市管 cadre. Deterministic.
import type { Knex } from 'knex';
import type { Clock } from '../../server/clock.ts';
import { iso } from '../../server/clock.ts';
import * as people from '../../server/people/store.ts';
import * as store from '../../server/archives/store.ts';
import * as archiveStore from '../../server/archives/archive-store.ts';
import * as catalog from '../../server/archives/catalog-store.ts';
import { cadreProblems } from '../../server/archives/cadres.ts';
import { seqNo } from '../../server/archives/catalogue.ts';
import { nameKeys } from '../../server/archives/pinyin.ts';
import { between, date, makeName, makePerson, pad, pick, prng, type PersonSeed, type Rng } from './demo-cadres.ts';
import { materialsFor } from './demo-materials.ts';

const EXTRA_UNITS: Array<[code: string, name: string, parent: string]> = [
  ['150300-ZF', '乌海市人民政府', '150300'],
  ['150300-FGW', '乌海市发展和改革委员会', '150300'],
  ['150300-CZJ', '乌海市财政局', '150300'],
  ['150300-JYJ', '乌海市教育局', '150300'],
  ['150300-WJW', '乌海市卫生健康委员会', '150300'],
  ['150302-ZF', '海勃湾区人民政府', '150302'],
  ['150302-JYJ', '海勃湾区教育局', '150302'],
  ['150302-CZJ', '海勃湾区财政局', '150302'],
  ['150302-XH', '海勃湾区新华街道办事处', '150302'],
  ['150303-ZF', '海南区人民政府', '150303'],
  ['150304-ZF', '乌达区人民政府', '150304'],
];

const POSTS: Record<string, Array<[unit: string, posts: string[]]>> = {
  provincial: [['150300-ZF', ['市长', '副市长']], ['150300-ZZB', ['市委常委、组织部部长']]],
  municipal: [
    ['150300-ZF', ['副秘书长']], ['150300-FGW', ['主任', '副主任']], ['150300-CZJ', ['局长', '副局长']], ['150300-JYJ', ['局长', '副局长']],
    ['150300-WJW', ['主任', '副主任']], ['150300-RSJ', ['局长', '副局长']], ['150300-JW', ['常委', '副主任']], ['150300-ZZB', ['副部长']],
    ['150302-ZF', ['区长', '副区长']], ['150303-ZF', ['区长', '副区长']], ['150304-ZF', ['区长', '副区长']],
  ],
  county: [
    ['150302-JYJ', ['局长', '副局长']], ['150302-CZJ', ['局长', '副局长']], ['150302-XH', ['主任', '副主任', '党工委书记']], ['150302-ZF', ['办公室主任', '办公室副主任']],
    ['150303-ZF', ['办公室主任', '发展改革科科长']], ['150304-ZF', ['办公室主任', '财政科科长']],
  ],
  unit: [
    ['150300-FGW', ['综合科科长', '一级主任科员']], ['150300-CZJ', ['预算科科长', '二级主任科员']], ['150300-JYJ', ['基础教育科科长', '四级主任科员']],
    ['150300-WJW', ['医政科副科长', '一级科员']], ['150300-RSJ', ['人事科科长', '二级主任科员']], ['150302-JYJ', ['办公室主任', '一级科员']],
    ['150302-XH', ['四级主任科员', '一级科员']], ['150302-CZJ', ['国库科科长', '二级主任科员']],
  ],
};
const BIRTH_YEARS: Record<string, [number, number]> = { provincial: [1964, 1972], municipal: [1966, 1982], county: [1968, 1988], unit: [1972, 1998] };
const MIX: Array<[string, number]> = [['provincial', 4], ['municipal', 62], ['county', 70], ['unit', 56]];

interface Planned {
  p: PersonSeed;
  level: string;
  unit: string;
  post: string;
  user?: string;
  disciplined?: boolean;
}

/** The demo users who are cadres, and the relatives of demo users who are cadres. */
const NAMED: Array<Omit<Planned, 'p'> & { name: string; gender: '1' | '2'; years: [number, number] }> = [
  { name: '王建国', gender: '1', years: [1978, 1984], level: 'unit', unit: '150300-JW', post: '一级主任科员', user: 'applicant1' },
  { name: '李红梅', gender: '2', years: [1976, 1980], level: 'unit', unit: '150300-JW', post: '二级主任科员', user: 'applicant2' },
  { name: '张建军', gender: '1', years: [1972, 1976], level: 'municipal', unit: '150300-CZJ', post: '局长' },
  { name: '张志强', gender: '1', years: [1970, 1975], level: 'municipal', unit: '150300-JW', post: '副书记、副主任', user: 'unithead1' },
  { name: '刘晓燕', gender: '2', years: [1982, 1988], level: 'unit', unit: '150300-ZZB-DAS', post: '一级主任科员', user: 'archivist1' },
  { name: '陈立新', gender: '1', years: [1972, 1976], level: 'unit', unit: '150300-ZZB-DAS', post: '主任', user: 'chief1' },
  { name: '陈立军', gender: '1', years: [1977, 1980], level: 'county', unit: '150303-ZF', post: '办公室主任' },
  { name: '赵文华', gender: '1', years: [1968, 1972], level: 'municipal', unit: '150300-ZZB', post: '副部长', user: 'leader1' },
  { name: '孙丽娜', gender: '2', years: [1985, 1990], level: 'unit', unit: '150300-RSJ', post: '干部科科长', user: 'producer1' },
  { name: '周海涛', gender: '1', years: [1980, 1986], level: 'unit', unit: '150302-ZZB-DAS', post: '主任', user: 'receiver1' },
];

/** Which office holds a cadre of this level and unit (the ranges seeded below say the same). */
function custodianCode(level: string, unit: string): { office: string; kind: 'original' | 'copy' } {
  if (level === 'provincial') return { office: '150300-ZZB-DAS', kind: 'copy' };
  if (level === 'municipal') return { office: '150300-ZZB-DAS', kind: 'original' };
  return { office: unit.startsWith('150302') ? '150302-ZZB-DAS' : '150300-ZZB-DAS', kind: 'original' };
}

function plan(r: Rng, today: string): Planned[] {
  const out: Planned[] = [];
  let serial = 1;
  for (const n of NAMED) out.push({ ...n, p: makePerson(r, serial++, { fromYear: n.years[0], toYear: n.years[1], gender: n.gender, name: n.name, today }) });
  for (const [level, count] of MIX) {
    for (let i = 0; i < count; i++) {
      const [unit, posts] = pick(r, POSTS[level]);
      const [lo, hi] = BIRTH_YEARS[level];
      out.push({ level, unit, post: pick(r, posts), p: makePerson(r, serial++, { fromYear: lo, toYear: hi, today }), disciplined: r() < 0.015 });
    }
  }
  return out;
}

export async function seedArchiveDemo(trx: Knex.Transaction, clock: Clock): Promise<void> {
  const r = prng(20261127);
  const now = iso(clock.now());
  const today = now.slice(0, 10);
  const org = async (code: string) => (await people.findOrgUnitByCode(trx, code))!;
  for (const [code, name, parent] of EXTRA_UNITS) {
    await people.insertOrgUnit(trx, { code, name, kind: 'unit', parent_id: (await org(parent)).id, sort_order: 10 });
  }
  const city = await org('150300-ZZB-DAS');
  const hbw = await org('150302-ZZB-DAS');
  const ranges: Array<[number, string, string[], string, string]> = [
    [city.id, '150300', ['municipal'], 'original', '市管干部'],
    [city.id, '150300', ['provincial'], 'copy', '省管干部副本（正本由自治区党委组织部保管）'],
    [city.id, '150300', ['county', 'unit'], 'original', '市直单位及未设档案室的区的干部'],
    [hbw.id, '150302', ['county', 'unit'], 'original', '海勃湾区管干部'],
  ];
  for (const [custodian, root, levels, kind, note] of ranges) {
    await store.insertCustodyRange(trx, { custodian_org_id: custodian, root_org_id: (await org(root)).id, management_levels: JSON.stringify(levels), archive_kind: kind, note, created_at: now });
  }

  const planned = plan(r, today);
  const ids: number[] = [];
  const named = (key: string) => ids[planned.findIndex((c) => c.user === key || (!c.user && NAMED.some((x) => x.name === c.p.name) && c.p.name === key))];
  const serials = new Map<string, number>();
  const rows: Array<Omit<catalog.MaterialRow, 'id'>> = [];
  let n = 0;
  for (const c of planned) {
    const unit = await org(c.unit);
    const retired = Number(c.p.birth_date.slice(0, 4)) <= Number(today.slice(0, 4)) - 60;
    const values = { ...c.p, org_unit_id: unit.id, post: retired ? `原${c.post}（已退休）` : c.post, management_level: c.level };
    const problems = cadreProblems(values, today);
    if (problems.length) throw new Error(`demo cadre ${c.p.name}: ${JSON.stringify(problems)}`);
    const cadreId = await store.insertCadre(trx, {
      name: c.p.name, gender: c.p.gender, birth_date: c.p.birth_date, ethnicity: c.p.ethnicity, native_place: c.p.native_place,
      political_status: c.p.political_status, party_join_date: c.p.party_join_date, work_start_date: c.p.work_start_date, id_number: c.p.id_number,
      education: c.p.education, degree: c.p.degree, org_unit_id: unit.id, post: values.post, management_level: c.level, custodian_org_id: null, birth_date_ruling: null,
      ...nameKeys(c.p.name), created_at: now, updated_at: now,
    });
    ids.push(cadreId);
    const { office, kind } = custodianCode(c.level, c.unit);
    const holder = office === city.code ? city : hbw;
    const serial = (serials.get(office) ?? 0) + 1;
    serials.set(office, serial);
    // Every third archive (and those of the demo users and their relatives) is digitised: its pages
    // are rendered after start (db/seeds/demo-scans.ts); the rest wait for a digitisation batch.
    const digitised = !!c.user || n < NAMED.length || n % 3 === 0;
    const archiveId = await archiveStore.insertArchive(trx, {
      cadre_id: cadreId, archive_no: `${office}-${pad(serial, 5)}`, kind, volumes: c.level === 'unit' ? 1 : between(r, 1, 2), custodian_org_id: holder.id,
      store_room: holder === city ? pick(r, ['一号库房', '二号库房']) : '档案库房', cabinet: `${pad(between(r, 1, 30))}号柜`, shelf: `第${between(r, 1, 6)}格`,
      status: retired ? 'retired' : 'in_stock', digital_status: digitised ? 'partial' : 'none', last_audit_score: null, created_at: now, updated_at: now,
    });
    await archiveStore.insertStatusHistory(trx, { archive_id: archiveId, from_status: null, to_status: retired ? 'retired' : 'in_stock', reason: '建档 / archive set up (demo)', instance_id: null, actor_id: null, at: now });
    const items = new Map<string, number>();
    for (const m of materialsFor(r, c.p, c.level, today, { disciplined: !!c.disciplined })) {
      const itemNo = (items.get(m.category) ?? 0) + 1;
      items.set(m.category, itemNo);
      rows.push({
        archive_id: archiveId, category_code: m.category, item_no: itemNo, revision: 0, seq_no: seqNo(m.category, itemNo), title: m.title, title_code: null,
        formed_date: m.formed_date, pages: m.pages, is_copy: m.is_copy, copy_date: m.copy_date, remark: m.remark, producer_org_id: null, instance_id: null,
        supersedes_material_id: null, supersede_reason: null, filed_by: null, filed_at: now,
      });
    }
    // Family (A36-like): a spouse for most, a child for the older ones; none of them a real person.
    const age = Number(today.slice(0, 4)) - Number(c.p.birth_date.slice(0, 4));
    if (c.p.name !== '李红梅' && c.p.name !== '张建军' && age > 28 && r() < 0.8) {
      const g = c.p.gender === '1' ? '2' : '1';
      await store.insertFamilyMember(trx, { cadre_id: cadreId, name: makeName(r, g), relation: '配偶', birth_date: date(Number(c.p.birth_date.slice(0, 4)) + between(r, -3, 3), between(r, 1, 12), between(r, 1, 28)), id_number: null, related_cadre_id: null, work_unit: pick(r, ['乌海市第一中学', '乌海市人民医院', '乌海市税务局', '海勃湾区某企业', '乌达区卫生院']), created_at: now });
    }
    if (age > 36) {
      const g = r() < 0.5 ? '1' : '2';
      await store.insertFamilyMember(trx, { cadre_id: cadreId, name: c.p.name[0] + makeName(r, g).slice(1), relation: g === '1' ? '儿子' : '女儿', birth_date: date(Number(c.p.work_start_date.slice(0, 4)) + between(r, 3, 8), between(r, 1, 12), between(r, 1, 28)), id_number: null, related_cadre_id: null, work_unit: '学生', created_at: now });
    }
    n++;
  }
  await catalog.insertMaterials(trx, rows);

  // Relatives among the cadres, recorded on both sides with the ID number (as a 家庭成员 table has it).
  const link = async (a: string, b: string, relationOfBtoA: string, relationOfAtoB: string) => {
    const [ca, cb] = [await store.findCadre(trx, named(a)), await store.findCadre(trx, named(b))];
    await store.insertFamilyMember(trx, { cadre_id: ca!.id, name: cb!.name, relation: relationOfBtoA, birth_date: cb!.birth_date, id_number: cb!.id_number, related_cadre_id: cb!.id, work_unit: (await people.findOrgUnit(trx, cb!.org_unit_id))!.name, created_at: now });
    await store.insertFamilyMember(trx, { cadre_id: cb!.id, name: ca!.name, relation: relationOfAtoB, birth_date: ca!.birth_date, id_number: ca!.id_number, related_cadre_id: ca!.id, work_unit: (await people.findOrgUnit(trx, ca!.org_unit_id))!.name, created_at: now });
  };
  await link('applicant2', '张建军', '配偶', '配偶');
  await link('chief1', '陈立军', '弟弟', '哥哥');

  for (const x of NAMED) if (x.user) await trx('users').where({ username: x.user }).update({ cadre_id: named(x.user) });
  // archivist1 once worked beside the first generated 市管 cadre: she must not see that archive.
  const avoided = planned.findIndex((c, i) => i >= NAMED.length && c.level === 'municipal');
  const archivist = await people.findUserByUsername(trx, 'archivist1');
  const secadmin = await people.findUserByUsername(trx, 'secadmin');
  await trx('avoidance_entries').insert({ user_id: archivist!.id, cadre_id: ids[avoided], reason: '曾与该干部在同一科室共事，按规定回避', created_by: secadmin!.id, created_at: now, removed_at: null, removed_by: null });
}
