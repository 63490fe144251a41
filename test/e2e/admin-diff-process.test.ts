// A change of the process element itself (its name, documentation or 可发起角色) made the version
// diff and the proposal page say 流程图加载失败 on both sides: the diff marked the process id, which
// bpmn-js holds as the canvas's root — no shape, no x or y — and the view opened around it became
// NaN. Both diagrams now show, the change is listed, and no element is marked for it.
import test from 'ava';
import { addUser } from '../helpers/users.ts';
import { login } from './browser.ts';
import { adminSuite } from './admin-setup.ts';
import { shot } from './shots.ts';

const suite = adminSuite({
  env: { DEPLOY_REQUIRES_APPROVAL: 'true' },
  prepare: (sys) => addUser(sys, { username: 'procadmin_b', displayName: '钱晓梅', org: '150300-ZZB', roles: ['process_admin'] }).then(() => undefined),
});

/** Both sides of the diff drew their diagram, and neither says it failed. */
async function bothDiagramsShown(t: any, label: string): Promise<void> {
  const p = suite.b.page;
  await p.locator('.djs-element[data-element-id="unitHeadReview"]').nth(1).waitFor({ state: 'attached' });
  t.is(await p.locator('.djs-element[data-element-id="unitHeadReview"]').count(), 2, label);
  t.is(await p.getByText('流程图加载失败').count(), 0, label);
  // The process is listed as changed, but no shape is marked for it (a marker on the root would colour all).
  await p.getByTestId('diff-list').locator('li.changed', { hasText: 'borrowing' }).first().waitFor();
  t.is(await p.locator('.djs-element.dg-changed').count(), 0, label);
  // The view is a real one, not NaN.
  const viewBox = await p.locator('.djs-container svg').first().getAttribute('viewBox');
  t.notRegex(String(viewBox), /NaN/, label);
}

test.serial('a version and a proposal that change only the process name show both diagrams in the diff', async (t) => {
  const p = suite.b.page;
  const { db, engine } = suite.sys.services;
  const v1 = await db('process_deployments').where({ process_key: 'borrowing' }).orderBy('version', 'desc').first();
  // Version 2: the process's name only (deployed directly: approval is not what this test is about).
  const renamed = v1.xml.replace(`name="${v1.name}"`, `name="${v1.name}（修订）"`);
  t.not(renamed, v1.xml);
  await db.transaction((trx) => engine.definitions.deploy(trx, renamed, null, '改名'));

  await login(p, suite.sys.url, 'procadmin');
  await p.goto(`${suite.sys.url}/admin/processes/borrowing/diff?from=${v1.version}&to=${v1.version + 1}`);
  await p.getByRole('heading', { name: '版本对比：borrowing' }).waitFor();
  await bothDiagramsShown(t, 'diff');
  await shot(p, 'version-diff-process-name');

  // A proposal that changes the documentation only.
  const admin = await suite.sys.as('procadmin');
  const res = await admin.post('/api/admin/deployments', {
    xml: renamed.replace(/<bpmn:documentation>/, '<bpmn:documentation>修订说明。'),
    processKey: 'borrowing',
    baseVersion: v1.version + 1,
    note: '补充流程说明',
    forms: {},
  });
  t.is(res.status, 201, JSON.stringify(res.body));
  t.is(res.body.outcome, 'proposed');
  await p.goto(`${suite.sys.url}/admin/proposals/${res.body.proposalId}`);
  await p.getByText('补充流程说明').first().waitFor();
  await bothDiagramsShown(t, 'proposal');
  await shot(p, 'proposal-process-documentation');
});
