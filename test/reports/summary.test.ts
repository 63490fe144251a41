// 统计分析: an office's figures move with its work, each office sees its own, the leader above sees
// the offices under it together or one by one, and nobody else sees any.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { fileConsultation } from '../helpers/cases.ts';
import { completeAt, reject } from '../helpers/workflow.ts';
import { ARCHIVE_STATUSES, DIGITAL_STATUSES } from '../../server/archives/codes.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const summary = async (username: string, query = '') => (await sys.as(username)).get(`/api/reports/summary${query}`);
const officeOf = async (username: string): Promise<number> => (await sys.services.db('users').where({ username }).first()).org_unit_id;
const consult = (s: any) => s.use.byKind.find((k: any) => k.code === 'consult');

test.serial('the office’s figures move with its work: requests filed, rejected and withdrawn this year, archives digitised and transferred', async (t) => {
  const before = await summary('archivist1');
  t.is(before.status, 200);
  const office = await officeOf('archivist1');
  t.deepEqual(before.body.offices.map((o: any) => o.id), [office]);

  // Holdings add up, and every status is listed, with zero where the office has none.
  const h = before.body.holdings;
  t.is(h.total, h.byStatus.reduce((a: number, r: any) => a + r.n, 0));
  t.is(h.total, h.byLevel.reduce((a: number, r: any) => a + r.n, 0));
  t.deepEqual(h.byStatus.map((r: any) => r.code).slice(0, Object.keys(ARCHIVE_STATUSES).length), Object.keys(ARCHIVE_STATUSES));
  t.deepEqual(h.byDigital.map((r: any) => r.code).slice(0, Object.keys(DIGITAL_STATUSES).length), Object.keys(DIGITAL_STATUSES));
  const held = await sys.services.db('archives').where({ custodian_org_id: office }).whereNotIn('status', ['transferred', 'archived_state']).count({ n: '*' });
  t.is(h.held, Number(held[0].n));
  // Digitisation is of the held archives: the digital statuses add up to them.
  t.is(h.byDigital.reduce((a: number, r: any) => a + r.n, 0), h.held);
  t.is(h.digitised, h.byDigital.filter((r: any) => ['done', 'verified'].includes(r.code)).reduce((a: number, r: any) => a + r.n, 0));

  const open = await fileConsultation(sys, 'applicant1', '干部考察需要查阅任免材料。');
  const rejected = await fileConsultation(sys, 'applicant1', '干部考察需要查阅考核材料。');
  await completeAt(await sys.as('unithead1'), rejected, 'unitHeadReview', reject());
  const withdrawn = await fileConsultation(sys, 'applicant1', '干部考察需要查阅履历材料。');
  t.is((await (await sys.as('applicant1')).post(`/api/process-instances/${withdrawn}/withdraw`, { reason: '考察已取消。' })).status, 200);
  t.truthy(open);

  const after = await summary('archivist1');
  t.is(after.body.use.total - before.body.use.total, 3);
  const [b, a] = [consult(before.body), consult(after.body)];
  t.deepEqual(
    { total: a.total - b.total, open: a.open - b.open, rejected: a.rejected - b.rejected, withdrawn: a.withdrawn - b.withdrawn, closed: a.closed - b.closed },
    { total: 3, open: 1, rejected: 1, withdrawn: 1, closed: 0 },
  );
  t.is(a.zh, '查阅');

  // Next year nothing has happened yet; the holdings are the same.
  const next = await summary('archivist1', `?year=${after.body.year + 1}`);
  t.is(next.body.use.total, 0);
  t.is(next.body.transfers.out.total + next.body.transfers.in.total + next.body.materials.total, 0);
  t.is(next.body.holdings.total, after.body.holdings.total);

  // An archive digitised and verified counts; one transferred away leaves the holdings and the
  // digitisation, though it had been digitised too.
  const db = sys.services.db;
  const [verified, gone] = await db('archives').where({ custodian_org_id: office, status: 'in_stock', digital_status: 'none' }).orderBy('id').limit(2);
  await db('archives').where({ id: verified.id }).update({ digital_status: 'verified' });
  await db('archives').where({ id: gone.id }).update({ status: 'transferred', digital_status: 'done' });
  const h0 = after.body.holdings;
  const h1 = (await summary('archivist1')).body.holdings;
  const n = (rows: any[], code: string) => rows.find((r) => r.code === code).n;
  t.like(h1, { total: h0.total, held: h0.held - 1, digitised: h0.digitised + 1 });
  t.is(n(h1.byStatus, 'transferred'), n(h0.byStatus, 'transferred') + 1);
  t.is(n(h1.byDigital, 'verified'), n(h0.byDigital, 'verified') + 1);
  t.is(n(h1.byDigital, 'done'), n(h0.byDigital, 'done'));

  const audit = await sys.services.db('audit_log').where({ action: 'report.read', actor: 'archivist1', outcome: 'success' });
  t.is(audit.length, 4);
});

test.serial('each office sees its own; the leader above sees the offices under it; nobody else sees any', async (t) => {
  const mine = await officeOf('archivist1');
  const theirs = await summary('receiver1');
  t.is(theirs.status, 200);
  t.notDeepEqual(theirs.body.offices.map((o: any) => o.id), [mine]);
  // The requests of the first test were about a cadre of archivist1's office, not receiver1's.
  t.is(consult(theirs.body).total, 0);

  const leader = await summary('leader1');
  t.true(leader.body.offices.some((o: any) => o.id === mine));
  t.true(leader.body.holdings.total >= (await summary('archivist1')).body.holdings.total);
  const one = await summary('leader1', `?custodianOrgId=${mine}`);
  t.is(one.body.custodianOrgId, mine);
  t.deepEqual(one.body.holdings, (await summary('archivist1')).body.holdings);
  t.deepEqual(one.body.use, (await summary('archivist1')).body.use);

  // Another office's figures: 404 like an office that does not exist, and a denied audit row.
  const refused = await summary('receiver1', `?custodianOrgId=${mine}`);
  t.is(refused.status, 404);
  t.truthy(await sys.services.db('audit_log').where({ action: 'report.read', actor: 'receiver1', outcome: 'denied' }).first());
  t.is((await summary('applicant1')).status, 403);
  t.is((await summary('unithead1')).status, 403);
  t.is((await summary('archivist1', '?year=1999')).status, 400);
  t.is((await summary('archivist1', '?secret=1')).status, 400);
});

test.serial('the figures export as CSV for a spreadsheet: the same counts as the page, Chinese first, audited; another office is 404', async (t) => {
  const chief = await sys.as('chief1');
  const json = (await chief.get('/api/reports/summary?year=2026')).body;
  const res = await fetch(`${sys.url}/api/reports/summary.csv?year=2026`, { headers: { cookie: (chief as any).cookie } });
  t.is(res.status, 200);
  t.regex(res.headers.get('content-type')!, /^text\/csv; charset=utf-8/);
  t.regex(res.headers.get('content-disposition')!, /attachment; filename="report-2026-all-\d{4}-\d{2}-\d{2}\.csv"/);
  const bytes = Buffer.from(await res.arrayBuffer());
  t.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'a BOM, so a spreadsheet reads the Chinese');
  const lines = bytes.toString('utf8').slice(1).trimEnd().split('\r\n');
  t.is(lines[0], `统计分析 Statistics 2026,${json.offices[0].name}`);
  t.is(lines[2], '部分 Section,项目 Item,数量 Count');
  const count = (section: string, item: string) => {
    const row = lines.find((l) => l.startsWith(`${section},${item},`));
    return row === undefined ? undefined : Number(row.split(',').at(-1));
  };
  const asOf = json.asOf;
  t.is(count(`库存·当前（截至 ${asOf}） Holdings · current (as of ${asOf})`, '档案总数 All archives'), json.holdings.total);
  t.is(count(`库存·当前（截至 ${asOf}） Holdings · current (as of ${asOf})`, '在管 Held'), json.holdings.held);
  t.is(count(`数字化·当前（截至 ${asOf}） Digitisation · current (as of ${asOf})`, '已数字化或已验收 Digitised or verified'), json.holdings.digitised);
  for (const d of json.holdings.byDigital) t.is(count(`数字化·当前（截至 ${asOf}） Digitisation · current (as of ${asOf})`, `${d.zh} ${d.en}`), d.n);
  const c = consult(json);
  t.is(count('利用·查阅 Use · Consultation', '申请 Filed'), c.total);
  t.is(count('利用·查阅 Use · Consultation', '未批准 Not approved'), c.rejected);
  t.is(count('材料收集 Material intake', '逾期移交 Handed over late'), json.materials.late);
  t.is(count('专项审核 Archive reviews', '不合格 Failed'), json.reviews.failed);
  t.true(c.total > 0, 'the year has consultations (filed by the test above)');

  const audit = await sys.services.db('audit_log').where({ action: 'report.export' }).orderBy('seq', 'desc').first();
  t.like(audit, { actor: 'chief1', outcome: 'success', object_type: 'report' });

  const other = await (await sys.as('receiver1')).get(`/api/reports/summary.csv?custodianOrgId=${await officeOf('chief1')}`);
  t.is(other.status, 404);
  t.is((await sys.services.db('audit_log').where({ action: 'report.export', outcome: 'denied' })).length, 1);
  t.is((await (await sys.as('applicant1')).get('/api/reports/summary.csv')).status, 403);
});

test.serial('a past year’s report says its holdings, digitisation and reviews under way are today’s, on the page’s figures and in every such CSV row', async (t) => {
  const chief = await sys.as('chief1');
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(sys.clock.now());
  const year = Number(today.slice(0, 4)) - 1;
  const last = (await chief.get(`/api/reports/summary?year=${year}`)).body;
  t.is(last.year, year);
  t.is(last.asOf, today, 'the holdings are counted today, and the answer says which day');
  t.deepEqual(last.holdings, (await chief.get('/api/reports/summary')).body.holdings, 'the same holdings whatever the year');

  const res = await fetch(`${sys.url}/api/reports/summary.csv?year=${year}`, { headers: { cookie: (chief as any).cookie } });
  const lines = (await res.text()).trimEnd().split('\r\n');
  t.is(lines[0].split(',')[0], `统计分析 Statistics ${year}`);
  const rows = lines.slice(3).map((l) => l.split(','));
  const current = rows.filter(([section, item]) => /^(库存|数字化)/.test(section) || item.startsWith('进行中'));
  t.true(current.length >= 10);
  for (const [section, item] of current) t.true(`${section} ${item}`.includes(`当前（截至 ${today}）`) && `${section} ${item}`.includes(`current (as of ${today})`), `${section} ${item}`);
  // The year's own figures carry no such label.
  t.false(rows.some(([section]) => /^(利用|转|材料收集)/.test(section) && section.includes('当前')));
});
