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
  // Listen before anything runs in the background: a server that cannot listen (the port taken by
  // another one, say) must not go on firing timers and sending mail unseen while the log says it
  // started — it stops, and says why.
  const server = await serve(createApp(services), config.port, config.host).catch(async (err: NodeJS.ErrnoException) => {
    await db.destroy();
    releaseDataDir();
    throw new StartRefused(listenRefusal(err, config.host, config.port));
  });
  services.jobs.start();
  services.maintenance.start();
  services.mailer.start();
  services.overdue.start();
  if (!services.mailer.sending) log.warn('SMTP_URL is not set: mail stays in the outbox (GET /api/admin/outbox)');
  log.info(`Dangan listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (${config.databaseUrl ? 'PostgreSQL' : 'SQLite'})`);
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

/** Why the server could not listen, for the operator (in both languages, as the other start refusals). */
function listenRefusal(err: NodeJS.ErrnoException, host: string, port: number): string {
  const where = `${host}:${port}`;
  if (err.code === 'EADDRINUSE') return `无法启动：端口 ${where} 已被占用（另一个 Dangan 或其他程序正在使用）。请停止它或设置其他 PORT。\nCannot start: ${where} is already in use (another Dangan or another program). Stop it or set another PORT.`;
  if (err.code === 'EACCES') return `无法启动：无权监听 ${where}（1024 以下的端口需要特权）。请设置其他 PORT。\nCannot start: not allowed to listen on ${where} (ports below 1024 need privileges). Set another PORT.`;
  if (err.code === 'EADDRNOTAVAIL') return `无法启动：本机没有地址 ${host}。请检查 HOST。\nCannot start: ${host} is not an address of this machine. Check HOST.`;
  return `无法启动：无法监听 ${where}（${err.code ?? err.message}）。\nCannot start: cannot listen on ${where} (${err.code ?? err.message}).`;
}

main().catch((e) => {
  console.error(e instanceof StartRefused ? e.message : e);
  process.exit(1);
});
