// English counts read "1 error", "2 errors" (client/src/lib/i18n/fill.ts), and no English message
// of the dictionaries says "1 archives" or "1 days left".
import test from 'ava';
import { fill } from '../../client/src/lib/i18n/fill.ts';
import { en } from '../../client/src/lib/i18n/en.ts';
import { adminEn } from '../../client/src/lib/i18n/admin.en.ts';
import { consoleUsersEn } from '../../client/src/lib/i18n/console-users.en.ts';
import { consoleAuditEn } from '../../client/src/lib/i18n/console-audit.en.ts';

test('a count chooses the singular at 1 and the plural otherwise', (t) => {
  t.is(fill('{n} {n:error|errors}', { n: 1 }), '1 error');
  t.is(fill('{n} {n:error|errors}', { n: 2 }), '2 errors');
  t.is(fill('{n} {n:error|errors}', { n: 0 }), '0 errors');
  t.is(fill('{n} {n:archive is|archives are} not checked', { n: 1 }), '1 archive is not checked');
  t.is(fill('pages {from}–{to}', { from: 3, to: 5 }), 'pages 3–5');
  t.is(fill('{n} {n:error|errors}', {}), '{n} {n:error|errors}', 'an unknown parameter stays as written');
});

const strings = (node: unknown, path: string[] = []): Array<[string, string]> =>
  typeof node === 'string' ? [[path.join('.'), node]] : Object.entries(node as object).flatMap(([k, v]) => strings(v, [...path, k]));

test('no English message says "1 archives": every count before a plural noun has its singular', (t) => {
  const plural = /\b1 (cases|entries|accounts|problems|pages|copies|cadres|materials|archives|batches|errors|notes|days|things)\b/;
  const all = [en, adminEn, consoleUsersEn, consoleAuditEn].flatMap((d) => strings(d));
  const wrong = all.filter(([, text]) => {
    const params = Object.fromEntries([...text.matchAll(/\{(\w+)[}:]/g)].map((m) => [m[1], 1]));
    return plural.test(fill(text, params));
  });
  t.deepEqual(wrong.map(([k]) => k), []);
});
