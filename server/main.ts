// Boot: config → db (migrate) → services (engine) → demo seed and shipped processes → jobs, mail → http.
// The only file that listens.
import { loadConfigOrExit } from './config.ts';
import { createDb } from './db.ts';
import { createLogger } from './logger.ts';
import { systemClock } from './clock.ts';
import { createServices } from './services.ts';
import { prepare, StartRefused } from './boot.ts';
import { createApp, serve } from './app.ts';
import { renderDemoScans } from '../db/seeds/demo-scans.ts';
import { markInUse } from './admin/data-lock.ts';

async function main() {
  const config = loadConfigOrExit();
  const log = createLogger(config.logLevel);
  // npm run restore refuses while this mark says a live server uses the folder.
  const releaseDataDir = markInUse(config.dataDir);
  const db = createDb(config);
  const services = createServices({ config, db, clock: systemClock, log });
  await prepare(services, { demo: config.demo });
  services.jobs.start();
  services.maintenance.start();
  services.mailer.start();
  services.overdue.start();
  if (!services.mailer.sending) log.warn('SMTP_URL is not set: mail stays in the outbox (GET /api/admin/outbox)');
  const app = createApp(services);
  const server = serve(app, config.port, config.host, () => {
    log.info(`Dangan listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (${config.databaseUrl ? 'PostgreSQL' : 'SQLite'})`);
  });
  // The demo's page images are rendered after the server listens (minutes on 2 cores).
  const background = new AbortController();
  if (config.demoScans) {
    void renderDemoScans(services, log.child({ module: 'demo-scans' }), background.signal).catch((err) => log.error({ err }, 'demo page scans failed'));
  }
  const shutdown = async (signal: string) => {
    log.info({ signal }, 'shutting down');
    background.abort();
    server.close();
    await services.jobs.stop();
    await services.maintenance.stop();
    await services.overdue.stop();
    await services.mailer.stop();
    await db.destroy();
    releaseDataDir();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e) => {
  console.error(e instanceof StartRefused ? e.message : e);
  process.exit(1);
});
