// The boot steps between "services exist" and "serve": migrate, seed the demo data on an empty
// database, deploy the shipped processes. Shared by main.ts, tests and the bench.
import fs from 'node:fs';
import path from 'node:path';
import { migrate } from './db.ts';
import { processesDir, type Services } from './services.ts';
import { seedDemo } from '../db/seeds/demo.ts';
import { checkTotpKey, totpKeyProblem } from './people/totp-key-check.ts';

export const SHIPPED_PROCESSES = [
  'borrowing',
  'copy-request',
  'transfer-in',
  'transfer',
  'material-collection',
  'collection-notice',
  'correction',
  'digitisation-batch',
];

/**
 * Deploys processes/<key>.bpmn for each shipped key; identical XML and forms keep their version. A
 * version a process administrator deployed is never replaced: a restart or an upgrade leaves it the
 * latest, and a shipped file that changed meanwhile is only reported in the log.
 */
export async function deployShippedProcesses(s: Services): Promise<void> {
  for (const key of SHIPPED_PROCESSES) {
    const file = path.join(processesDir, `${key}.bpmn`);
    if (!fs.existsSync(file)) continue;
    const xml = fs.readFileSync(file, 'utf8');
    await s.db.transaction(async (trx) => {
      const { deployment, created, held } = await s.engine.definitions.deploy(trx, xml, null, '随系统安装部署 / shipped with Dangan', { shipped: true });
      if (held) {
        s.log.warn(
          { key, version: deployment.version, file },
          'the shipped diagram or its forms changed, but a process administrator deployed the latest version: it stays; compare and redeploy in 流程管理 if wanted',
        );
      }
      if (created) {
        await s.audit.record(trx, {
          action: 'process.deploy',
          actorName: 'system',
          objectType: 'deployment',
          objectId: deployment.id,
          detail: { key, version: deployment.version, sha256: deployment.sha256 },
        });
        s.log.info({ key, version: deployment.version }, 'deployed process');
      }
    });
  }
}

/** The server will not start as things are; the message says why and what to do. */
export class StartRefused extends Error {}

export async function prepare(s: Services, opts: { demo: boolean }): Promise<void> {
  await migrate(s.db);
  // The delete trigger of audit_log reads the retention from the database (never below 180 days).
  await s.audit.syncRetention();
  if (opts.demo && (await seedDemo(s.db, s.clock, s.config.passwordScryptN))) s.log.info('seeded demo data');
  // Secrets the TOTP key cannot open (a restore without the key file): refuse, rather than create a
  // new key and lock out everyone with a second factor.
  const problem = totpKeyProblem(await checkTotpKey(s.db, s.config.totpKeyFile));
  if (problem) throw new StartRefused(`拒绝启动 / not starting: ${problem}`);
  // TOTP secrets written in clear (the demo seed, an older installation) are encrypted at rest.
  const sealed = await s.secrets.sealClearSecrets(s.db);
  if (sealed) s.log.info({ sealed }, 'encrypted TOTP secrets stored in clear');
  await deployShippedProcesses(s);
}
