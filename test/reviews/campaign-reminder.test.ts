// 专项审核工作 due soon: CAMPAIGN_REMINDER_DAYS (default 3) days before an open campaign's due day,
// the chief of its office gets one mail — through a real SMTP server, in his language — saying how
// many archives are not confirmed yet, with a link to the campaign. Before, nothing told anyone as
// the day neared. Swept with the overdue tasks under the movable clock: once per campaign however
// often it polls; a closed campaign, and one with every archive confirmed, send nothing.
import test from 'ava';
import type { TestSystem } from '../helpers/server.ts';
import type { TestSmtp } from '../helpers/smtp.ts';
import { actor, closeMailSystem, startMailSystem } from '../helpers/notify.ts';
import { addCalendarDays } from '../../server/materials/deps.ts';
import { beijingDay } from '../../server/notify/beijing.ts';

const PUBLIC = 'https://archive.dangan.example';
let sys: TestSystem;
let smtp: TestSmtp;
test.before(async () => {
  ({ sys, smtp } = await startMailSystem({ env: { PUBLIC_URL: PUBLIC } }));
});
test.after.always(() => closeMailSystem(sys, smtp));

const db = () => sys.services.db;
const today = () => beijingDay(sys.clock.now());
/** Noon (Beijing) of a calendar day. */
const noonOf = (day: string) => sys.clock.set(new Date(Date.parse(`${day}T12:00:00+08:00`)));
const pollAndSend = async () => {
  await sys.services.overdue.pollOnce();
  while ((await sys.services.mailer.pollOnce()).sent > 0);
};
const reminders = () => smtp.received.filter((m) => m.subject.includes('专项审核工作将于') || m.subject.includes('Review campaign due'));

test.serial('the chief hears once, three days before the due day, how many archives are not confirmed — not before, not again', async (t) => {
  t.is(sys.services.config.deadlines.campaignReminderDays, 3, 'the default');
  const chief = await sys.as('chief1');
  const due = addCalendarDays(today(), 10);
  const opened = await chief.post('/api/review-campaigns', { title: '2026年市管干部档案专项审核', managementLevels: ['municipal'], dueDate: due });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  const { id } = opened.body;
  const n = opened.body.progress.total;

  await pollAndSend();
  noonOf(addCalendarDays(due, -4));
  await pollAndSend();
  t.is(reminders().length, 0, 'nothing more than three days ahead');

  noonOf(addCalendarDays(due, -3));
  await pollAndSend();
  const [m, ...more] = reminders();
  t.is(more.length, 0, reminders().map((x) => x.envelopeTo.join()).join(' '));
  t.deepEqual(m.envelopeTo, ['chief1@dangan.example'], 'the office’s chief');
  t.is(m.subject, `【档案】专项审核工作将于 ${due} 到期：专项审核 2026年市管干部档案专项审核（${n} 卷）`);
  t.true(m.text.includes(`应于 ${due} 前完成，还有 ${n} 份档案的审核未认定（未开始 ${n} 份，审核中 0 份，待复核 0 份）`), m.text);
  t.true(m.text.includes(`${PUBLIC}/review-campaigns/${id}`), 'a link to the campaign');

  // Later polls, the next day: nothing more.
  await pollAndSend();
  noonOf(addCalendarDays(due, -1));
  await pollAndSend();
  t.is(reminders().length, 1, 'once per campaign');

  t.is((await (await sys.as('chief1')).post(`/api/review-campaigns/${id}/close`, { note: '转入下一阶段' })).status, 200);
});

test.serial('a chief who reads English gets it in English, the campaign named in English around its title', async (t) => {
  const me = await actor(sys, 'chief1');
  await db()('users').where({ id: me.id }).update({ language: 'en' });
  t.teardown(() => db()('users').where({ id: me.id }).update({ language: 'zh' }));
  const before = reminders().length;
  const due = addCalendarDays(today(), 2);
  const opened = await (await sys.as('chief1')).post('/api/review-campaigns', { title: '县管干部档案专项审核', managementLevels: ['county'], dueDate: due });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  const n = opened.body.progress.total;
  await pollAndSend();
  const fresh = reminders().slice(before);
  t.is(fresh.length, 1, 'a campaign opened inside the window is told at the next poll');
  t.is(fresh[0].subject, `[Dangan] Review campaign due ${due}: Review campaign 县管干部档案专项审核 (${n} archives)`);
  t.true(fresh[0].text.includes(`${n} of its archives are not confirmed yet (${n} not started, 0 under review, 0 awaiting your confirmation)`), fresh[0].text);
  t.false(/[\u4e00-\u9fff]/.test(fresh[0].subject.replace('县管干部档案专项审核', '')), 'no Chinese but the title the chief typed');
  t.is((await (await sys.as('chief1')).post(`/api/review-campaigns/${opened.body.id}/close`, { note: '结束' })).status, 200);
});

test.serial('a closed campaign sends nothing as its day nears', async (t) => {
  const before = reminders().length;
  const due = addCalendarDays(today(), 10);
  const opened = await (await sys.as('chief1')).post('/api/review-campaigns', { title: '已结束的审核', managementLevels: ['municipal'], dueDate: due });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  t.is((await (await sys.as('chief1')).post(`/api/review-campaigns/${opened.body.id}/close`, { note: '取消' })).status, 200);
  noonOf(addCalendarDays(due, -2));
  await pollAndSend();
  t.is(reminders().length, before);
  t.is(await db()('mail_outbox').where({ event: 'campaign_due_soon' }).count({ n: '*' }).first().then((r: any) => Number(r.n)), 2, 'only the two above');
});

test.serial('a chief who reads his mail as a daily digest gets it there, not at once', async (t) => {
  const chief = await sys.as('chief1');
  t.is((await chief.request('PUT', '/api/me/notification-settings', { digest: true })).status, 200);
  t.teardown(async () => {
    await (await sys.as('chief1')).request('PUT', '/api/me/notification-settings', { digest: false });
  });
  const before = reminders().length;
  const opened = await chief.post('/api/review-campaigns', { title: '汇总提醒', managementLevels: ['municipal'], dueDate: addCalendarDays(today(), 1) });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  await pollAndSend();
  t.is(reminders().length, before, 'no mail of its own');
  const row = await db()('mail_outbox').where({ event: 'campaign_due_soon' }).orderBy('created_at', 'desc').first();
  t.like(row, { status: 'held', recipient_id: (await actor(sys, 'chief1')).id });
  t.true(row.subject.includes('汇总提醒'));
});

test.serial('a campaign whose every archive is confirmed tells nobody, and is marked so that it is not counted again', async (t) => {
  const archivist = await sys.as('archivist1');
  const chief = await sys.as('chief1');
  const due = addCalendarDays(today(), 10);
  const opened = await chief.post('/api/review-campaigns', { title: '全部认定的审核', managementLevels: ['county'], dueDate: due });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  const { id } = opened.body;
  t.teardown(async () => {
    await (await sys.as('chief1')).post(`/api/review-campaigns/${id}/close`, { note: '测试结束' });
  });
  // A campaign of one archive (the others taken off its list), reviewed and confirmed.
  const tied = new Set([
    ...(await sys.services.access.excludedCadreIds(db(), (await actor(sys, 'archivist1')).id)),
    ...(await sys.services.access.excludedCadreIds(db(), (await actor(sys, 'chief1')).id)),
  ]);
  const open = new Set(await db()('archive_reviews').whereIn('status', ['draft', 'submitted']).pluck('archive_id'));
  const items = await db()('review_campaign_items as i').join('archives as a', 'a.id', 'i.archive_id').where('i.campaign_id', id).orderBy('a.id').select('a.id', 'a.cadre_id');
  const keep = items.find((a: any) => !tied.has(a.cadre_id) && !open.has(a.id));
  t.truthy(keep, 'an archive both may review');
  await db()('review_campaign_items').where({ campaign_id: id }).whereNot({ archive_id: keep.id }).delete();
  const review = await archivist.post('/api/reviews', { archiveId: keep.id, campaignId: id });
  t.is(review.status, 201, JSON.stringify(review.body));
  t.is((await archivist.post(`/api/reviews/${review.body.id}/submit`, { summary: '材料齐全。' })).status, 200);
  t.like((await chief.post(`/api/reviews/${review.body.id}/decide`, { decision: 'confirm', note: '' })).body, { status: 'confirmed' });
  t.like((await chief.get(`/api/review-campaigns/${id}`)).body.progress, { total: 1, confirmed: 1 });

  noonOf(addCalendarDays(due, -3));
  await pollAndSend();
  t.deepEqual(reminders().filter((m) => m.subject.includes('全部认定的审核')), [], 'no mail');
  t.deepEqual(await db()('mail_outbox').where({ event: 'campaign_due_soon' }).andWhere('subject', 'like', '%全部认定的审核%'), [], 'nothing queued or held');
  t.truthy((await db()('review_campaigns').where({ id }).first()).reminded_at, 'marked: nothing left to tell');
});

test.serial('an office with no chief to tell is not marked: the next poll tries again, and a chief there by then hears (regression: marked reminded, never retried)', async (t) => {
  const chief = await sys.as('chief1');
  const before = reminders().length;
  const due = addCalendarDays(today(), 10);
  const opened = await chief.post('/api/review-campaigns', { title: '无人提醒的审核', managementLevels: ['county'], dueDate: due });
  t.is(opened.status, 201, JSON.stringify(opened.body));
  const { id } = opened.body;
  t.teardown(async () => {
    await (await sys.as('chief1')).post(`/api/review-campaigns/${id}/close`, { note: '测试结束' });
  });
  const office = (await actor(sys, 'chief1')).orgUnitId;
  // Every chief of the office away (disabled) when the reminder falls due.
  const chiefs = await db()('users as u').join('user_roles as r', 'r.user_id', 'u.id').where({ 'r.role': 'archive_chief', 'u.org_unit_id': office, 'u.disabled': false }).pluck('u.id');
  t.true(chiefs.length > 0);
  await db()('users').whereIn('id', chiefs).update({ disabled: true });
  t.teardown(() => db()('users').whereIn('id', chiefs).update({ disabled: false }));

  noonOf(addCalendarDays(due, -3));
  await pollAndSend();
  await pollAndSend();
  t.deepEqual(reminders().slice(before).filter((m) => m.subject.includes('无人提醒的审核')), [], 'nobody to mail');
  t.is((await db()('review_campaigns').where({ id }).first()).reminded_at, null, 'not marked: to be tried again');

  // The next day a chief is back: the next poll tells him, once.
  await db()('users').whereIn('id', chiefs).update({ disabled: false });
  noonOf(addCalendarDays(due, -2));
  await pollAndSend();
  await pollAndSend();
  const fresh = reminders().slice(before).filter((m) => m.subject.includes('无人提醒的审核'));
  t.is(fresh.length, 1, reminders().slice(before).map((m) => m.subject).join(' | '));
  t.deepEqual(fresh[0].envelopeTo, ['chief1@dangan.example']);
  t.truthy((await db()('review_campaigns').where({ id }).first()).reminded_at);
});
