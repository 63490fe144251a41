// 更正记录 in chromium: a material corrected twice shows “已更正 2 次” in its catalogue row; opened,
// the trail lists each correction with when, who, the reason and each field from → to (the words
// as text, not markup), and the scan viewer shows the same trail folded above the pages.
// Screenshots to /tmp/helper-w/shots (looked at).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import sharp from 'sharp';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { plainArchiveOf } from '../archives/helpers.ts';
import { openBrowser, login, type Browsing } from './browser.ts';

let sys: TestSystem;
let b: Browsing;
let archiveId: number;
let corrected: { id: number; seqNo: string; title: string };
const SHOTS = '/tmp/helper-w/shots';
const shot = (name: string) => b.page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

test.before(async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  sys = await startSystem();
  archiveId = (await plainArchiveOf(sys, '150300-ZZB-DAS', 11)).archiveId;
  const archivist = await sys.as('archivist1');
  const filed = await archivist.post(`/api/archives/${archiveId}/materials`, { categoryCode: '7', title: '年度考核登记表', formedDate: '2025-12-20', pages: 1, isCopy: false });
  const page = await sharp({ create: { width: 620, height: 877, channels: 3, background: '#eee' } }).jpeg().withMetadata({ density: 300 }).toBuffer();
  await sys.services.db.transaction((trx) => sys.services.archives.addPageScans(trx, filed.body.id, [page]));
  const first = await archivist.post(`/api/materials/${filed.body.id}/supersede`, { reason: '题名按原件更正<b>!</b>', title: '年度考核登记表（2025年度）' });
  sys.clock.advance(3_600_000);
  const second = await (await sys.as('chief1')).post(`/api/materials/${first.body.id}/supersede`, { reason: '形成时间按落款日期更正', formedDate: '2025-12-28', remark: '落款日期为12月28日' });
  if (second.status !== 201) throw new Error(JSON.stringify(second.body));
  corrected = { id: second.body.id, seqNo: second.body.seqNo, title: second.body.title };
  // The corrected row arrives without pages; its page is scanned again, as after a 更正.
  await sys.services.db.transaction((trx) => sys.services.archives.addPageScans(trx, corrected.id, [page]));
  b = await openBrowser(sys.url, { width: 1360, height: 900 });
  await login(b.page, sys.url, 'archivist1');
});
test.after.always(async () => {
  await b?.close();
  await sys?.close();
});

test.serial('a corrected material shows its corrections in the catalogue and in the scan viewer', async (t) => {
  const p = b.page;
  await p.goto(`${sys.url}/archives/${archiveId}`);
  const toggle = p.getByRole('button', { name: `${corrected.seqNo} 已更正 2 次，查看更正记录` });
  await toggle.waitFor();
  t.is(await toggle.innerText(), '已更正 2 次');
  await toggle.click();
  const trail = p.locator(`tr[data-trail="${corrected.id}"]`).getByTestId('material-corrections');
  await trail.waitFor();
  const text = await trail.innerText();
  t.regex(text, /第 1 次更正/);
  t.regex(text, /更正原因：题名按原件更正<b>!<\/b>/, 'the reason as text, not markup');
  t.regex(text, /材料名称\s+年度考核登记表\s+年度考核登记表（2025年度）/);
  t.regex(text, /第 2 次更正/);
  t.regex(text, /陈立新/);
  t.regex(text, /形成时间\s+2025年12月20日\s+2025年12月28日/);
  t.regex(text, /备注\s+（空）\s+落款日期为12月28日/);
  await p.locator(`tr[data-material="${corrected.id}"]`).scrollIntoViewIfNeeded();
  await shot('catalogue-trail');
  t.is(await toggle.getAttribute('aria-expanded'), 'true');

  await p.getByRole('button', { name: `查看扫描件：${corrected.seqNo} ${corrected.title}` }).click();
  const viewer = p.getByRole('dialog', { name: `${corrected.seqNo} ${corrected.title}` });
  await viewer.getByText('更正记录（2 次）').click();
  await viewer.getByTestId('material-corrections').waitFor();
  await shot('viewer-trail');
  t.regex(await viewer.getByTestId('material-corrections').innerText(), /当前/);
});
