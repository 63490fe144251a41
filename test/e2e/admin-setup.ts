// The process administrator's browser tests share one set-up: a whole system (with the built
// client), a chromium at desktop size, and both closed afterwards. `prepare` runs before the
// browser opens (a scripted load, extra users).
import fs from 'node:fs';
import path from 'node:path';
import test from 'ava';
import { startSystem, type TestSystem } from '../helpers/server.ts';
import { clientDist } from '../../server/app.ts';
import { openBrowser, type Browsing } from './browser.ts';

export interface AdminSuite {
  sys: TestSystem;
  b: Browsing;
}

export function adminSuite(opts: { env?: Record<string, string>; prepare?: (sys: TestSystem) => Promise<void> } = {}): AdminSuite {
  const suite = {} as AdminSuite;
  test.before(async () => {
    if (!fs.existsSync(path.join(clientDist, 'index.html'))) throw new Error('client/dist is missing: run `npm run build` first');
    suite.sys = await startSystem({ env: opts.env });
    await opts.prepare?.(suite.sys);
    suite.b = await openBrowser(suite.sys.url, { width: 1440, height: 900 });
  });
  test.after.always(async () => {
    await suite.b?.close();
    await suite.sys?.close();
  });
  return suite;
}
