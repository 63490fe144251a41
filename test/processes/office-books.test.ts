// The office books' fields and filters added for their pages: the 查阅登记簿 narrowed by 申请号 or
// cadre name and by mode (the typed text is not written to the audit log), and a loan's
// overdueDays — counted to now while the file is out, kept at the return when it came back late.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { completeAt } from '../helpers/workflow.ts';
import { demoCadre, type DemoCadre } from '../helpers/cases.ts';
import { finishedReading, lentOut } from '../helpers/office-books.ts';

let sys: TestSystem;
let read: DemoCadre;
let other: DemoCadre;
const ids: Record<string, string> = {};
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

test.before(async () => {
  sys = await startSystem();
  read = await demoCadre(sys, 'county', 0);
  other = await demoCadre(sys, 'county', 2);
  ids.read = await finishedReading(sys, read);
  ids.other = await finishedReading(sys, other);
  ids.loan = await lentOut(sys, await demoCadre(sys, 'county', 1), 3);
});
test.after.always(async () => {
  await sys?.close();
});

const caseNo = async (instanceId: string) => (await sys.services.db('utilization_requests').where({ instance_id: instanceId }).first()).case_no as string;

test.serial('the 查阅登记簿 narrows by cadre name, by 申请号 (any case) and by mode; a bad mode is a 400', async (t) => {
  const archivist = await sys.as('archivist1');
  const all = await archivist.get('/api/reading-register');
  t.is(all.body.total, 2);
  const byName = await archivist.get(`/api/reading-register?q=${encodeURIComponent(read.name)}`);
  t.deepEqual(byName.body.items.map((e: any) => e.instanceId), [ids.read]);
  const no = await caseNo(ids.other);
  const byCase = await archivist.get(`/api/reading-register?q=${encodeURIComponent(no.slice(-6).toLowerCase())}`);
  t.deepEqual(byCase.body.items.map((e: any) => e.caseNo), [no]);
  t.is((await archivist.get('/api/reading-register?q=%25')).body.total, 0, 'a % is a character, not a wildcard');
  t.is((await archivist.get('/api/reading-register?mode=electronic')).body.total, 2);
  t.is((await archivist.get('/api/reading-register?mode=onsite')).body.total, 0);
  t.is((await archivist.get('/api/reading-register?mode=loan')).body.total, 0, 'the loan is still out');
  const bad = await archivist.get('/api/reading-register?mode=paper');
  t.is(bad.status, 400);
  // The audit row says a text was searched for, not which.
  const details = (await sys.services.db('audit_log').where({ action: 'reading_register.list' }).select('detail')).map((r: any) => r.detail as string);
  t.is(details.filter((d) => JSON.parse(d).searched === true).length, 3);
  t.false(details.some((d) => d.includes(read.name) || d.includes(no.slice(-6).toLowerCase())));
});

test.serial('a loan’s overdueDays: 0 before the due date, the begun days after it, kept at the return', async (t) => {
  // A fresh session for each read: the clock moves days on.
  const loan = async () => (await (await sys.as('archivist1')).get('/api/loans?state=all')).body.items.find((l: any) => l.instanceId === ids.loan);
  const first = await loan();
  t.like(first, { overdue: false, overdueDays: 0, status: 'on_loan' });
  sys.clock.set(new Date(Date.parse(first.dueAt) + 2 * DAY + HOUR));
  t.like(await loan(), { overdue: true, overdueDays: 3 });
  t.deepEqual((await (await sys.as('archivist1')).get('/api/loans?state=overdue')).body.items.map((l: any) => l.overdueDays), [3]);
  const back = await completeAt(await sys.as('archivist1'), ids.loan, 'loanReturn', { intact: 'yes', comment: '逾期归还，完好。' });
  t.is(back.status, 200);
  sys.clock.advance(5 * DAY);
  t.like(await loan(), { status: 'returned', overdue: false, overdueDays: 3, checkResult: 'intact' });
  const detail = await (await sys.as('archivist1')).get(`/api/loans/${first.id}`);
  t.is(detail.body.overdueDays, 3);
});
