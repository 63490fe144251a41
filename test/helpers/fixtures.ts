// Test diagrams from test/fixtures, and helpers to deploy them.
import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { Services } from '../../server/services.ts';
import type { Db } from '../../server/db.ts';

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');

export const fixture = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');

export async function deployFixture(s: Services, name: string): Promise<string> {
  const xml = fixture(name);
  return s.db.transaction(async (trx) => {
    const { deployment } = await s.engine.definitions.deploy(trx, xml, null);
    return deployment.process_key;
  });
}

/**
 * A diagram written straight into the database, past the deploy-time validation: what the engine
 * must stay safe against (a diagram from before a rule, or an attacker with database access).
 */
export async function forceDeployment(db: Db, processKey: string, xml: string, opts: { name?: string; at?: Date; note?: string } = {}): Promise<void> {
  await db('process_deployments').insert({
    id: randomUUID(),
    process_key: processKey,
    version: 1,
    name: opts.name ?? processKey,
    xml,
    sha256: createHash('sha256').update(xml).digest('hex'),
    deployed_by: null,
    deployed_at: (opts.at ?? new Date()).toISOString(),
    note: opts.note ?? 'forced past validation',
  });
}
