// An application read in English, as its applicant sees it: the form's date and the filing time
// read "27 Nov 2026" and "27 Nov 2026, 16:00" (Beijing time), never an ISO string, while the value
// kept for the process is unchanged; and the large borrowing diagram opens readable at the step the
// case waits at instead of fitted into an unreadable strip.
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { fileConsultation, REASONS } from '../helpers/cases.ts';
import { openBrowser, login, nextFrame, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;

test.before(async () => {
  sys = await startSystem();
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const english = (ymd: string) => {
  const [y, m, d] = ymd.split('-').map(Number);
  return `${d} ${MONTHS[m - 1]} ${y}`;
};

test.serial('in English the application’s form date and filing time read as dates; the diagram opens readable at the current step', async (t) => {
  const p = b.page;
  const id = await fileConsultation(sys, 'applicant1', REASONS[2]);
  const row = await sys.services.db('process_instances').where({ id }).first();
  const viewFrom: string = JSON.parse(row.variables).viewFrom;
  t.regex(viewFrom, /^\d{4}-\d{2}-\d{2}$/);
  const started = new Date(row.started_at);
  const beijing = new Date(started.getTime() + 8 * 3600_000);
  const hm = `${String(beijing.getUTCHours()).padStart(2, '0')}:${String(beijing.getUTCMinutes()).padStart(2, '0')}`;
  const startedDay = english(beijing.toISOString().slice(0, 10));

  await login(p, sys.url, 'applicant1');
  await p.goto(`${sys.url}/applications/${id}`);
  const field = p.locator('dt', { hasText: /^拟查阅日期$/ }).locator('xpath=following-sibling::dd[1]');
  await field.getByText(/^\d{4}年\d{1,2}月\d{1,2}日$/).waitFor();

  await p.getByLabel('语言').selectOption('en');
  await field.getByText(english(viewFrom), { exact: true }).waitFor();
  t.notRegex((await field.textContent()) ?? '', /\d{4}-\d{2}/, 'no ISO date in English');
  const submitted = p.locator('dt', { hasText: /^Submitted$/ }).locator('xpath=following-sibling::dd[1]');
  t.is((await submitted.textContent())?.trim(), `${startedDay}, ${hm}`);

  // The large diagram opens at a readable zoom with the step the case waits at on screen.
  const canvas = p.locator('.djs-container').first();
  // The step's marker is set as the first opening is, which queues the second for the next frame.
  await p.locator('.djs-element.dg-active').first().waitFor();
  await nextFrame(p);
  const scale = await canvas.locator('svg g.viewport').first().evaluate((g) => Number(/matrix\(\s*([-\d.e]+)/.exec(g.getAttribute('transform') ?? '')?.[1] ?? 1));
  t.is(scale, 0.75);
  const box = (await canvas.boundingBox())!;
  const active = (await p.locator('.djs-element.dg-active').first().boundingBox())!;
  t.true(active.x >= box.x && active.x + active.width <= box.x + box.width && active.y >= box.y && active.y + active.height <= box.y + box.height, 'the current step is on screen');
  await shot(p, 'application-english-1280', { fullPage: true });
  await p.setViewportSize({ width: 1024, height: 768 });
  await shot(p, 'application-english-1024', { fullPage: true });

  // The value kept for the process is the day as it was filed.
  t.is(JSON.parse((await sys.services.db('process_instances').where({ id }).first()).variables).viewFrom, viewFrom);
  t.deepEqual(b.problems, []);
  t.deepEqual(b.outside, []);
});
