// 以此版本重新部署 in a real browser: version 2 edited the approval form; from 流程管理 the
// administrator deploys version 1 again — its diagram and its form — as version 3, with a note.
import test from 'ava';
import { login } from './browser.ts';
import { adminSuite } from './admin-setup.ts';
import { shot } from './shots.ts';

const suite = adminSuite();

test.serial('an earlier version is deployed again with its forms from the version list', async (t) => {
  const p = suite.b.page;
  const admin = await suite.sys.as('procadmin');
  const list = (await admin.get('/api/admin/processes')).body as any[];
  const v1 = (await admin.get(`/api/admin/processes/borrowing/versions/${list.find((x) => x.key === 'borrowing').latestVersion}`)).body;
  const edited = { ...v1.forms.approval, components: [...v1.forms.approval.components, { type: 'textfield', key: 'reviewNo', label: '审核编号' }] };
  const v2 = await admin.post('/api/admin/deployments', { xml: v1.xml, processKey: 'borrowing', baseVersion: v1.version, note: '加审核编号', forms: { approval: edited } });
  t.is(v2.status, 201);

  await login(p, suite.sys.url, 'procadmin');
  await p.goto(`${suite.sys.url}/admin/processes`);
  const row = p.locator('tr[data-process="borrowing"]');
  await row.getByRole('button', { name: '版本记录' }).click();
  const old = p.locator(`li[data-version="${v1.version}"]`);
  await old.getByTestId('restore').click();
  const dialog = p.getByRole('dialog');
  await dialog.getByText(`第 ${v1.version} 版的流程图和它的表单将作为新版本部署`).waitFor();
  t.is(await dialog.locator('#restore-note').inputValue(), `恢复第 ${v1.version} 版（流程图和表单）`);
  await shot(p, 'restore-dialog');
  await dialog.getByRole('button', { name: '以此版本重新部署' }).click();
  await p.getByText(`已将「查阅/借阅干部人事档案」恢复为第 ${v1.version} 版的内容，部署为第 ${v2.body.version + 1} 版。`).waitFor();
  await p.locator(`li[data-version="${v2.body.version + 1}"]`).waitFor();
  await shot(p, 'restore-done');

  const v3 = (await admin.get(`/api/admin/processes/borrowing/versions/${v2.body.version + 1}`)).body;
  t.deepEqual(v3.forms.approval, v1.forms.approval);
  t.is(v3.note, `恢复第 ${v1.version} 版（流程图和表单）`);
});
