// Where the process administrator's screenshots go: docs/screenshots/ with UPDATE_SCREENSHOTS=1
// (commit them), else a temp folder (the pages are still rendered and checked).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { projectRoot } from '../../server/services.ts';

const OUT = process.env.UPDATE_SCREENSHOTS === '1' ? path.join(projectRoot, 'docs', 'screenshots') : fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-shots-'));

export async function shot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  const file = path.join(OUT, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}
