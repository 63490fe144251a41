// The 三员 rule on every combination of roles, and in the declared policy: no permission is given
// to an administrator role together with a business role, so none of them reaches business data.
import test from 'ava';
import { ADMIN_ROLES, ALL_ROLES, POLICY } from '../http/policy.ts';
import { separationBreak } from './separation.ts';

const others = (r: string) => ALL_ROLES.filter((x) => x !== r);

test('no account holds two of sys_admin, sec_admin, auditor', (t) => {
  for (const a of ADMIN_ROLES) {
    for (const b of ADMIN_ROLES) {
      if (a === b) continue;
      t.is(separationBreak([a, b])?.rule, 'SEPARATION_OF_DUTIES', `${a} + ${b}`);
    }
  }
  t.is(separationBreak([...ADMIN_ROLES])?.rule, 'SEPARATION_OF_DUTIES');
});

test('no administrator holds a business role or process_admin', (t) => {
  for (const a of ADMIN_ROLES) {
    for (const other of others(a)) t.truthy(separationBreak([a, other]), `${a} + ${other}`);
    t.is(separationBreak([a]), null, `${a} alone`);
  }
});

test('business roles and process_admin combine freely', (t) => {
  const free = ALL_ROLES.filter((r) => !(ADMIN_ROLES as readonly string[]).includes(r));
  t.is(separationBreak(free), null);
  t.is(separationBreak([]), null);
});

test('the policy never grants a permission to an administrator and a business role together', (t) => {
  for (const [permission, rule] of Object.entries(POLICY)) {
    if (typeof rule === 'string') continue;
    const admin = rule.filter((r) => (ADMIN_ROLES as readonly string[]).includes(r));
    if (admin.length) t.deepEqual(rule.filter((r) => !(ADMIN_ROLES as readonly string[]).includes(r)), [], permission);
  }
  // The auditor alone reads the log; sys_admin and sec_admin never do.
  t.deepEqual([...POLICY['audit.read']], ['auditor']);
  t.deepEqual([...POLICY['audit.manage']], ['auditor']);
});
