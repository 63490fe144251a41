// A name's head is read as a surname (server/archives/pinyin.ts): 曾 zeng, 单 shan, 解 xie, 仇 qiu,
// 乐 yue. archivist1 finds 曾诚 by "zeng", the list sorts 曾 among the Z names, and the usual reading
// ("ceng") still finds them; migration 20261128_0731 rebuilds the keys of cadres stored before.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { nameKeys } from '../../server/archives/pinyin.ts';
import { idCheckDigit } from '../../server/archives/validate.ts';
import { rebuildNameKeys } from '../../db/migrations/20261128_0731_name_pinyin_surname.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const q = (s: string) => encodeURIComponent(s);
const idFor = (birth: string, seq: string) => {
  const first = `150302${birth.replace(/-/g, '')}${seq}`;
  return first + idCheckDigit(first);
};

test('the keys read the head as a surname and keep the usual reading where it differs', (t) => {
  t.deepEqual(nameKeys('曾诚'), { name_pinyin: 'zengcheng', name_initials: 'zc', name_pinyin_alt: 'cengcheng' });
  t.deepEqual(nameKeys('单伟'), { name_pinyin: 'shanwei', name_initials: 'sw', name_pinyin_alt: 'danwei' });
  t.is(nameKeys('解放').name_pinyin, 'xiefang');
  t.is(nameKeys('仇明').name_pinyin, 'qiuming');
  t.is(nameKeys('乐嘉').name_pinyin, 'yuejia');
  // Only the head: 曾 inside a name keeps its usual reading; a plain name has no second key.
  t.is(nameKeys('王曾').name_pinyin, 'wangceng');
  t.deepEqual(nameKeys('王建国'), { name_pinyin: 'wangjianguo', name_initials: 'wjg', name_pinyin_alt: null });
});

/** Every cadre archivist1 sees, in the list's order (pinyin). */
async function wholeList(): Promise<{ id: number; name: string }[]> {
  const archivist = await sys.as('archivist1');
  const out: { id: number; name: string }[] = [];
  for (let offset = 0; ; offset += 100) {
    const res = await archivist.get(`/api/cadres?limit=100&offset=${offset}`);
    out.push(...res.body.items);
    if (res.body.items.length < 100) return out;
  }
}

test.serial('archivist1 finds the 曾 cadres by zeng (and by ceng), and the list sorts them among the Z names', async (t) => {
  const archivist = await sys.as('archivist1');
  const list = await wholeList();
  const zeng = list.filter((c) => c.name.startsWith('曾'));
  t.true(zeng.length >= 2, 'the demo has 曾 cadres in the city office');
  const byZeng = await archivist.get(`/api/cadres?q=zeng&limit=100`);
  t.is(byZeng.status, 200);
  t.deepEqual(
    byZeng.body.items.filter((i: any) => i.name.startsWith('曾')).map((i: any) => i.id),
    zeng.map((c) => c.id),
  );
  t.true(byZeng.body.items.every((i: any) => i.name.startsWith('曾')), 'zeng finds only 曾 names here');
  // The usual reading still finds them, and the initials are those of the surname reading.
  const byCeng = await archivist.get(`/api/cadres?q=ceng&limit=100`);
  t.deepEqual(byCeng.body.items.map((i: any) => i.id), zeng.map((c) => c.id));
  const first = zeng[0];
  const initials = nameKeys(first.name).name_initials;
  t.true((await archivist.get(`/api/cadres?q=${initials}&limit=100`)).body.items.some((i: any) => i.id === first.id), initials);
  // 曾 (zeng) sorts after 陈, 程, 崔 (C) and 袁 (yuan), before 张, 赵, 郑 (zh).
  const at = (names: string) => list.map((c, i) => (names.includes(c.name[0]) ? i : -1)).filter((i) => i >= 0);
  const zengAt = at('曾');
  t.true(Math.max(...at('曹陈程崔')) < Math.min(...zengAt), 'after the C names');
  t.true(Math.max(...zengAt) < Math.min(...at('张赵郑钟周')), 'before zhang, zhao, zheng');
});

test.serial('a cadre registered as 单伟 is found by shan and by dan; keys stored before are rebuilt by the migration', async (t) => {
  const archivist = await sys.as('archivist1');
  const unit = await sys.services.db('org_units').where({ code: '150300-JYJ' }).first();
  const created = await archivist.post('/api/cadres', {
    name: '单伟', gender: '1', birthDate: '1988-03-04', ethnicity: '汉族', nativePlace: '内蒙古乌海', politicalStatus: '中共党员',
    partyJoinDate: '2012-07-01', workStartDate: '2010-08-01', idNumber: idFor('1988-03-04', '913'), education: '大学本科', degree: '学士',
    unitId: unit.id, post: '一级科员', managementLevel: 'unit', archive: { volumes: 1, storeRoom: '一号库房', cabinet: '05号柜', shelf: '第2格' },
  });
  t.is(created.status, 201, JSON.stringify(created.body));
  const id = created.body.cadreId;
  const ids = async (term: string) => (await archivist.get(`/api/cadres?q=${q(term)}&limit=100`)).body.items.map((i: any) => i.id);
  for (const term of ['shan', 'shanwei', 'sw', 'dan', 'danwei', '单伟']) t.true((await ids(term)).includes(id), term);

  // Stored as before the surname reading (dan, ceng): the migration's rebuild sets them right.
  const zeng = (await wholeList()).filter((c) => c.name.startsWith('曾'));
  await sys.services.db('cadres').where({ id }).update({ name_pinyin: 'danwei', name_initials: 'dw', name_pinyin_alt: null });
  for (const c of zeng) {
    const old = nameKeys(c.name).name_pinyin_alt!;
    await sys.services.db('cadres').where({ id: c.id }).update({ name_pinyin: old, name_initials: `c${nameKeys(c.name).name_initials.slice(1)}`, name_pinyin_alt: null });
  }
  t.false((await ids('shan')).includes(id), 'the old keys miss it (the defect)');
  t.false((await ids('zeng')).includes(zeng[0].id));
  await rebuildNameKeys(sys.services.db);
  t.true((await ids('shan')).includes(id));
  t.true((await ids('dan')).includes(id));
  t.deepEqual((await ids('zeng')).filter((x: number) => zeng.some((c) => c.id === x)), zeng.map((c) => c.id));
  t.like(await sys.services.db('cadres').where({ id }).first(), { name_pinyin: 'shanwei', name_initials: 'sw', name_pinyin_alt: 'danwei' });
});
