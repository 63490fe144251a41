// The version diff names roles, not their codes: 「候选角色：unit_head → archive_chief」 read as
// 「单位负责人 → 档案室负责人」; FEEL and other fields stay as written.
import test from 'ava';
import { diffValue } from '../../client/src/lib/components/admin/diff-value.ts';
import { zh } from '../../client/src/lib/i18n/zh.ts';

const names = (codes: string[]) => codes.map((c) => (zh.roles as Record<string, string>)[c] ?? c).join('、');

test('candidate and starter roles read as role names; FEEL, other fields and nothing as written', (t) => {
  t.is(diffValue('candidateGroups', 'unit_head', names), '单位负责人');
  t.is(diffValue('candidateGroups', 'archive_chief', names), '档案室负责人');
  t.is(diffValue('candidateStarterGroups', 'applicant, archivist', names), `${zh.roles.applicant}、${zh.roles.archivist}`);
  t.is(diffValue('candidateGroups', '=route.role', names), '=route.role');
  t.is(diffValue('formKey', 'approval', names), 'approval');
  t.is(diffValue('candidateGroups', null, names), '—');
});
