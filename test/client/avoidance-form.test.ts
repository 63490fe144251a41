// The 回避管理 form checks what the server checks (server/access/routes.ts) before it asks: an
// ID number of 17 digits and a digit or X, a reason for lifting of 2–500 characters after
// trimming; and its user filter offers each user with entries once, with their count.
import test from 'ava';
import { liftReasonProblem, normaliseIdNumber, usersOf } from '../../client/src/lib/components/console/avoidance/avoidance.ts';
import { consoleAvoidanceEn } from '../../client/src/lib/i18n/console-avoidance.en.ts';
import { fill } from '../../client/src/lib/i18n/fill.ts';

test('an ID number is 17 digits and a digit or X; spaces and a small x are forgiven', (t) => {
  t.is(normaliseIdNumber('150302198001011234'), '150302198001011234');
  t.is(normaliseIdNumber(' 15030219800101123x '), '15030219800101123X');
  t.is(normaliseIdNumber('150302 19800101 123X'), '15030219800101123X');
  t.is(normaliseIdNumber('15030219800101123'), null, '17 characters');
  t.is(normaliseIdNumber('1503021980010112345'), null, '19 characters');
  t.is(normaliseIdNumber('1503021980010112X4'), null, 'X only at the end');
  t.is(normaliseIdNumber('15030219800101123Y'), null);
  t.is(normaliseIdNumber(''), null);
});

test('a reason for lifting has 2–500 characters after trimming, counted as the server counts', (t) => {
  t.is(liftReasonProblem(''), 'short');
  t.is(liftReasonProblem('  调  '), 'short');
  t.is(liftReasonProblem('调岗'), null);
  t.is(liftReasonProblem('字'.repeat(500)), null);
  t.is(liftReasonProblem(` ${'字'.repeat(500)} `), null, 'spaces around do not count');
  t.is(liftReasonProblem('字'.repeat(501)), 'long');
});

test('the user filter lists each user with entries once, by username, with how many', (t) => {
  const e = (id: number, userId: number, username: string) => ({ id, userId, username, cadreId: id, cadreIdNumber: '150302********123X', archiveNo: null, reason: 'r', createdAt: '2026-11-02T01:00:00.000Z' });
  t.deepEqual(usersOf([e(1, 7, 'chief1'), e(2, 3, 'archivist1'), e(3, 7, 'chief1')]), [
    { userId: 3, username: 'archivist1', n: 1 },
    { userId: 7, username: 'chief1', n: 2 },
  ]);
  t.deepEqual(usersOf([]), []);
});

test('the English count reads "1 avoidance entry", "2 avoidance entries"', (t) => {
  t.is(fill(consoleAvoidanceEn.total, { n: 1 }), '1 avoidance entry in force');
  t.is(fill(consoleAvoidanceEn.total, { n: 2 }), '2 avoidance entries in force');
});
