// A birth date settled by 信息更正 that differs from the date inside the ID number (组通字〔2006〕41号:
// the archive's earliest material decides): the case page says so before anyone approves it, and the
// cadre page shows the settled date with the case that settled it and the ID number's own date, in
// Chinese and English. Screenshots through shots.ts.
import fs from 'node:fs';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { approve, completeAt } from '../helpers/workflow.ts';
import { plainCadre } from '../processes/material-helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';
import { shot } from './shots.ts';

let sys: TestSystem;
let b: Browsing;
let cadre: Awaited<ReturnType<typeof plainCadre>>;
let settled: string;
let caseId: string;
let caseNo: string;

test.before(async () => {
  if (!fs.existsSync(`${clientDist}/index.html`)) throw new Error('client/dist is missing: run `npm run build` first');
  sys = await startSystem();
  cadre = await plainCadre(sys, { digitised: false, skip: 3 });
  settled = `${Number(cadre.birth_date.slice(0, 4)) - 1}${cadre.birth_date.slice(4) === '-02-29' ? '-02-28' : cadre.birth_date.slice(4)}`;
  const archivist = await sys.as('archivist1');
  const opened = await archivist.post('/api/process-instances', { processKey: 'correction', variables: { trigger: 'special_review', reason: '专项审核发现出生日期与早期材料不一致。', cadreId: cadre.id, item: 'birth_date', proposedValue: settled } });
  if (opened.status !== 201) throw new Error(JSON.stringify(opened.body));
  caseId = opened.body.id;
  caseNo = opened.body.businessKey;
  const earliest = (await archivist.get(`/api/corrections/by-case/${caseId}`)).body.evidence.find((e: any) => e.defaultBasis);
  await completeAt(archivist, caseId, 'investigate', { basisMaterials: [earliest.seqNo], findings: '最早的本人填写材料及户口底账均记载为早一年。', proposedValue: settled });
  b = await openBrowser(sys.url);
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

const day = (d: string) => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`;

test.serial('the chief reads on the case that the date settled on differs from the ID number, and that the ID number stays', async (t) => {
  const p = b.page;
  await login(p, sys.url, 'chief1');
  await p.goto(`${sys.url}/applications/${caseId}`);
  const notice = p.getByTestId('id-birth-differs');
  await notice.waitFor();
  const text = await notice.innerText();
  t.true(text.includes(`与身份证号所载出生日期 ${cadre.birth_date} 不一致`), text);
  t.true(text.includes('身份证号不变'), text);
  await notice.scrollIntoViewIfNeeded();
  await shot(p, 'birth-ruling-case-zh-1280');
  t.deepEqual(b.problems, []);
});

test.serial('once approved, the cadre page shows the settled birth date with its case and the ID number’s own date', async (t) => {
  t.is((await completeAt(await sys.as('chief1'), caseId, 'chiefOpinion', approve())).status, 200);
  const done = await completeAt(await sys.as('leader1'), caseId, 'authorityApproval', { ...approve(), superiorReplyNo: '内组干审〔2026〕12号' });
  t.is(done.status, 200, JSON.stringify(done.body));
  const p = b.page;
  await p.context().clearCookies();
  await login(p, sys.url, 'archivist1');
  await p.goto(`${sys.url}/cadres/${cadre.id}`);
  const facts = p.locator('dl.a01');
  await facts.waitFor();
  const zh = await facts.innerText();
  t.true(zh.includes(`${day(settled)}（经信息更正 ${caseNo} 认定；身份证号所载为 ${day(cadre.birth_date)}）`), zh);
  await shot(p, 'birth-ruling-cadre-zh-1280');
  await p.getByLabel('语言').selectOption('en');
  await p.getByRole('heading', { name: cadre.name, level: 1 }).waitFor();
  await p.waitForFunction((no) => (globalThis as any).document.querySelector('dl.a01')?.innerText.includes(`settled by correction ${no}`), caseNo);
  const en = await facts.innerText();
  t.true(en.includes(`(settled by correction ${caseNo}; the ID number says`), en);
  await shot(p, 'birth-ruling-cadre-en-1280');
  t.deepEqual(b.problems, []);
});
