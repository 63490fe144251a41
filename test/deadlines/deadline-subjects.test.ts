// 督办: a subject the system writes (专项审核 …, 查阅/借阅 …, 数字化出库 …) reads in the reader's
// language — it is stored as a code with its values, which the page renders through its dictionary
// (deadlines.subjects.<code>) and a mail through subjectIn. Before, the English page showed
// "专项审核 …（12 卷）". A row written before the codes keeps showing the text it stored.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { addCalendarDays } from '../../server/materials/deps.ts';
import { beijingDay } from '../../server/notify/beijing.ts';
import { subjectIn } from '../../server/deadlines/subjects.ts';
import { en } from '../../client/src/lib/i18n/en.ts';
import { zh } from '../../client/src/lib/i18n/zh.ts';
import { fill } from '../../client/src/lib/i18n/fill.ts';

let sys: TestSystem;
test.before(async () => {
  sys = await startSystem();
});
test.after.always(async () => {
  await sys?.close();
});

const db = () => sys.services.db;
/** What the 督办 page shows in the subject cell (DeadlinesPage subjectOf), in a dictionary's language. */
const shown = (dict: typeof en, d: { subject: string; subjectCode: string | null; subjectParams: Record<string, string> | null }) =>
  d.subjectCode && d.subjectParams ? fill((dict.deadlines.subjects as Record<string, string>)[d.subjectCode], d.subjectParams) : d.subject;

test.serial('a campaign’s 督办 row reads in English on the English page, in Chinese on the Chinese one; the stored text stays Chinese', async (t) => {
  const chief = await sys.as('chief1');
  const title = '2026年市管干部档案专项审核';
  const opened = await chief.post('/api/review-campaigns', { title, managementLevels: ['municipal'], dueDate: addCalendarDays(beijingDay(sys.clock.now()), 30) });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  const n = opened.body.progress.total;
  const row = (await chief.get('/api/deadlines?kind=review_campaign')).body.items.find((d: any) => d.campaignId === opened.body.id);
  t.like(row, { subjectCode: 'review_campaign', subjectParams: { title, count: String(n) }, subject: `专项审核 ${title}（${n} 卷）` });
  t.is(shown(en, row), `Review campaign ${title} (${n} archives)`, 'no Chinese words of the system on the English page');
  t.is(shown(zh as any, row), `专项审核 ${title}（${n} 卷）`);
  // The same row as one deadline, and in a mail in either language.
  t.like((await chief.get(`/api/deadlines/${row.id}`)).body, { subjectCode: 'review_campaign' });
  const stored = await db()('deadlines').where({ id: row.id }).first();
  t.is(subjectIn(stored, 'en'), `Review campaign ${title} (${n} archives)`);
  t.is(subjectIn(stored, 'zh'), `专项审核 ${title}（${n} 卷）`);
});

test.serial('the other subjects the system writes have both languages; a row from before the codes shows what it stored', async (t) => {
  for (const [code, params] of [['loan', { caseNo: 'JY-2026-0012' }], ['digitisation_out', { caseNo: 'SZ-2026-0003', count: '1' }], ['digitisation_missing', { caseNo: 'SZ-2026-0003', count: '2' }]] as const) {
    const r = { subject: 'x', subject_code: code, subject_params: JSON.stringify(params) };
    t.false(/[\u4e00-\u9fff]/.test(subjectIn(r, 'en')), `${code} in English: ${subjectIn(r, 'en')}`);
    t.is(fill((en.deadlines.subjects as Record<string, string>)[code], params), subjectIn(r, 'en'), 'the page and the mail say the same');
    t.is(fill((zh.deadlines.subjects as Record<string, string>)[code], params), subjectIn(r, 'zh'));
  }
  t.is(subjectIn({ subject: 'x', subject_code: 'digitisation_out', subject_params: JSON.stringify({ caseNo: 'SZ-1', count: '1' }) }, 'en'), 'Out for digitisation SZ-1 (1 archive)');
  // A batch counts archives (份), not volumes (卷): in Chinese and in English alike.
  t.is(subjectIn({ subject: 'x', subject_code: 'digitisation_out', subject_params: JSON.stringify({ caseNo: 'SZ-1', count: '3' }) }, 'zh'), '数字化出库 SZ-1（3 份）');
  t.is(subjectIn({ subject: 'x', subject_code: 'digitisation_missing', subject_params: JSON.stringify({ caseNo: 'SZ-1', count: '2' }) }, 'zh'), '数字化出库 SZ-1（2 份未回库）');
  t.is(subjectIn({ subject: 'x', subject_code: 'digitisation_missing', subject_params: JSON.stringify({ caseNo: 'SZ-1', count: '2' }) }, 'en'), 'Out for digitisation SZ-1 (2 archives not back)');
  t.is(subjectIn({ subject: 'x', subject_code: 'digitisation_missing', subject_params: JSON.stringify({ caseNo: 'SZ-1', count: '1' }) }, 'en'), 'Out for digitisation SZ-1 (1 archive not back)');

  // An old row: the text it stored, no code.
  const office = (await db()('users').where({ username: 'chief1' }).first()).org_unit_id;
  const id = '00000000-0000-4000-8000-00000000d001';
  await db()('deadlines').insert({ id, kind: 'review_campaign', subject: '专项审核 旧工作（3 卷）', instance_id: null, ref: '', org_unit_id: office, custodian_org_id: office, opened_at: sys.clock.now().toISOString(), warn_at: '2099-01-01T00:00:00.000Z', due_at: '2099-02-01T00:00:00.000Z', status: 'open', closed_at: null });
  const old = (await (await sys.as('chief1')).get(`/api/deadlines/${id}`)).body;
  t.like(old, { subject: '专项审核 旧工作（3 卷）', subjectCode: null, subjectParams: null });
  t.is(shown(en, old), '专项审核 旧工作（3 卷）');
});
