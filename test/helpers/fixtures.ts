// Test diagrams from test/fixtures, and helpers to deploy them.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Services } from '../../server/services.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export const fixture = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

export async function deployFixture(s: Services, name: string): Promise<string> {
  const xml = fixture(name);
  return s.db.transaction(async (trx) => {
    const { deployment } = await s.engine.definitions.deploy(trx, xml, null);
    return deployment.process_key;
  });
}
