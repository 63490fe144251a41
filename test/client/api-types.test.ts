// The client's API types are generated from the server's route schemas (scripts/gen-api-types.ts)
// and committed; this fails when a route changed and `npm run gen:api` was not run.
import fs from 'node:fs';
import test from 'ava';
import { generate, TYPES_FILE } from '../../scripts/gen-api-types.ts';

test('client/src/lib/api/types.ts matches the routes', (t) => {
  const current = fs.readFileSync(TYPES_FILE, 'utf8');
  t.true(current === generate(), 'out of date: run `npm run gen:api`');
  t.regex(current, /"GET \/api\/tasks": \{/);
  t.regex(current, /export type InboxItem = Task & \{/);
});
