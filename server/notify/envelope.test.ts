// The pure parts of mail: address and subject checks, Beijing time, and every template in both
// languages with the values the services give it.
import test from 'ava';
import { checkAddress, checkSubject } from './envelope.ts';
import { beijingDay, endOfBeijingDay, formatInstant, nextDigestAt } from './beijing.ts';
import { NOTICE_EVENTS, oneLine, render, type NoticeEvent } from './templates.ts';

const DOMAINS = ['dangan.example', 'gov.example'];

test('an address is one plain address in an allowed domain', (t) => {
  t.is(checkAddress('chief1@dangan.example', DOMAINS), null);
  t.is(checkAddress('li.hong+archive@GOV.example', DOMAINS), null);
  t.is(checkAddress('x@mail.dangan.example', DOMAINS), 'DOMAIN_NOT_ALLOWED', 'subdomains are not implied');
  t.is(checkAddress('x@dangan.example.', DOMAINS), 'BAD_ADDRESS');
  t.is(checkAddress('x@dangan.example\nBcc: y@evil.example', DOMAINS), 'BAD_ADDRESS');
  t.is(checkAddress('x@dangan.example\u2028', DOMAINS), 'BAD_ADDRESS');
  t.is(checkAddress('x y@dangan.example', DOMAINS), 'BAD_ADDRESS');
  t.is(checkAddress('x@dangan.example;y@evil.example', DOMAINS), 'BAD_ADDRESS');
  t.is(checkAddress(`${'a'.repeat(65)}@dangan.example`, DOMAINS), 'BAD_ADDRESS');
  t.is(checkAddress('', DOMAINS), 'NO_ADDRESS');
});

test('a subject is one line', (t) => {
  t.is(checkSubject('【档案】待认领：单位负责人审核（AB12CD34）'), null);
  for (const bad of ['a\rb', 'a\nb', 'a\r\nBcc: x@evil.example', 'a\tb', 'a\u0000b', 'a\u2028b', 'a\u0085b']) {
    t.is(checkSubject(bad), 'SUBJECT_HEADER_BREAK', JSON.stringify(bad));
  }
  t.is(checkSubject('长'.repeat(301)), 'SUBJECT_TOO_LONG');
  t.is(oneLine('补充\n申请\r\n材料\t '), '补充 申请 材料');
});

test('Beijing time: formatting, calendar days, digest hours', (t) => {
  t.is(formatInstant('2026-11-02T16:30:00.000Z'), '2026-11-03 00:30');
  t.is(formatInstant(null), '');
  t.is(formatInstant('garbage'), '');
  t.is(beijingDay(new Date('2026-12-31T16:00:00.000Z')), '2027-01-01');
  t.is(endOfBeijingDay('2026-11-19').toISOString(), '2026-11-19T15:59:59.999Z');
  t.is(nextDigestAt(new Date('2026-11-02T01:00:00.000Z'), 18).toISOString(), '2026-11-02T10:00:00.000Z');
  t.is(nextDigestAt(new Date('2026-11-02T10:00:00.000Z'), 18).toISOString(), '2026-11-03T10:00:00.000Z', 'strictly after now');
  t.is(nextDigestAt(new Date('2026-11-02T20:00:00.000Z'), 8).toISOString(), '2026-11-03T00:00:00.000Z');
});

test('every template renders a one-line subject and the link, in Chinese and English, from the values services give', (t) => {
  const vars = {
    recipientName: '陈立新',
    processName: '查阅/借阅干部人事档案',
    caseRef: 'JY-2026-0012',
    taskName: '档案室负责人审批',
    roleName: '档案室负责人',
    dueAt: '2026-11-09 09:00',
    outcome: 'approved',
    borrowerName: '王建国',
    borrowerOrg: '乌海市纪委监委',
    fromOrg: '乌海市委组织部干部档案室',
    orgName: '乌海市委组织部干部档案室',
    sentAt: '2026-10-01 10:00',
    copyCount: '4',
    certifiedAt: '2026-11-02 10:00',
    toName: '周代办',
    byName: '流程管理员',
    reviewerName: '刘晓燕',
    chiefName: '陈立新',
    officeName: '乌海市委组织部干部档案室',
    lentAt: '2026-11-02 10:00',
    endedAt: '2026-11-02 15:00',
    stepName: '档案室负责人审批',
    username: 'leader1',
    resetAt: '2026-11-02 09:00',
    campaign: '2026年市管干部档案专项审核',
    dueDate: '2026-12-20',
    pending: '12',
    notStarted: '5',
    drafts: '4',
    submitted: '3',
  };
  for (const event of NOTICE_EVENTS) {
    for (const lang of ['zh', 'en'] as const) {
      const { subject, body } = render(event, lang, vars, 'https://archive.dangan.example/x');
      t.is(checkSubject(subject), null, `${event}/${lang}`);
      t.false(/undefined|\[object/.test(subject + body), `${event}/${lang}`);
      // A password reset is about the account, not a case; a campaign's reminder names the campaign.
      if (event === 'campaign_due_soon') t.true(subject.includes('2026年市管干部档案专项审核'), `${event}/${lang}`);
      else if (event !== 'password_reset') t.true(subject.includes('JY-2026-0012'), `${event}/${lang}`);
      t.true(body.includes('https://archive.dangan.example/x'), `${event}/${lang}`);
      t.is(lang === 'zh', subject.startsWith('【档案】'));
    }
  }
  // The approval's next step, the renewal refused, and the reasons nobody may work a task, each worded.
  const variants: Array<[NoticeEvent, Record<string, string>]> = [
    ['application_decided', { nextStep: 'onsite', readOn: '2026-11-10' }],
    ['application_decided', { nextStep: 'onsite_late', readOn: '2026-11-01' }],
    ['application_decided', { nextStep: 'loan', loanDays: '5' }],
    ['application_decided', { outcome: 'not_read', nextStep: 'onsite_not_held' }],
    ['renewal_decided', { outcome: 'refused' }],
    ['task_unstaffed', { why: 'vacant' }],
    ['task_unstaffed', { why: 'assignee_gone' }],
  ];
  for (const [event, extra] of variants) {
    for (const lang of ['zh', 'en'] as const) {
      const { subject, body } = render(event, lang, { ...vars, ...extra }, 'https://archive.dangan.example/x');
      t.false(/undefined|\[object/.test(subject + body), `${event}/${lang}/${JSON.stringify(extra)}`);
    }
  }
});

test('a task mail gives its due time as Beijing time, in Chinese as in English', (t) => {
  const v = { recipientName: '刘晓燕', processName: '查阅/借阅干部人事档案', caseRef: 'JY-2026-0012', taskName: '档案管理员受理审查', roleName: '档案管理员', dueAt: '2026-12-01 01:45' };
  for (const event of ['task_assigned', 'task_offered'] as const) {
    t.true(render(event, 'zh', v, 'u').body.includes('请在 2026-12-01 01:45（北京时间）前办理'), event);
    t.true(render(event, 'en', v, 'u').body.includes('due by 2026-12-01 01:45 (Beijing time)'), event);
  }
});

test('mail settings are checked when the server starts, every problem listed', async (t) => {
  const { loadConfig, ConfigError } = await import('../config.ts');
  const ok = loadConfig({ MAIL_ALLOWED_DOMAINS: ' Dangan.example, gov.example ', PUBLIC_URL: 'https://archive.dangan.example/' });
  t.deepEqual(ok.mail.allowedDomains, ['dangan.example', 'gov.example']);
  t.is(ok.publicUrl, 'https://archive.dangan.example');
  t.is(ok.mail.from, 'noreply@dangan.example');
  const err = t.throws(() =>
    loadConfig({
      MAIL_ALLOWED_DOMAINS: 'dangan.example,evil example',
      SMTP_URL: 'http://mail.example',
      PUBLIC_URL: 'javascript:alert(1)',
      MAIL_FROM: 'Dangan <noreply@dangan.example>',
      MAIL_FROM_NAME: 'x\r\nBcc: y@evil.example',
    }),
  ) as InstanceType<typeof ConfigError>;
  t.true(err instanceof ConfigError);
  for (const key of ['MAIL_ALLOWED_DOMAINS', 'SMTP_URL', 'PUBLIC_URL', 'MAIL_FROM', 'MAIL_FROM_NAME']) {
    t.true(err.problems.some((p) => p.startsWith(key)), key);
  }
});
