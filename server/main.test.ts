// The real server (server/main.ts) on a port another program holds: it must stop and say why, not
// log "listening" and go on running its timers and mail unseen (seen by a tester: a second server
// started on a taken port kept running and served nothing).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import test from 'ava';
import { projectRoot } from './services.ts';

test('a server whose port is taken exits non-zero, says the port is in use, and leaves no mark on its data folder', async (t) => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const port = (holder.address() as net.AddressInfo).port;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dangan-port-'));
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, DANGAN_DATA_DIR: dataDir, LOG_LEVEL: 'info', NODE_ENV: 'test', DANGAN_DEMO: 'false', PORT: String(port), HOST: '127.0.0.1' };
    delete env.DATABASE_URL; // the folder's own SQLite: this is about the port, not the database
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'server', 'main.ts')], { env, cwd: projectRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += String(d)));
    child.stderr.on('data', (d: Buffer) => (out += String(d)));
    const code = await new Promise<number | null>((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve(null);
      }, 120_000);
      child.on('exit', (c) => {
        clearTimeout(timer);
        resolve(c);
      });
    });
    t.is(code, 1, out);
    t.false(/listening/.test(out), 'it never says it listens');
    t.true(out.includes(`端口 127.0.0.1:${port} 已被占用`), out);
    t.true(out.includes(`127.0.0.1:${port} is already in use`), out);
    const marks = fs.existsSync(path.join(dataDir, '.in-use')) ? fs.readdirSync(path.join(dataDir, '.in-use')) : [];
    t.deepEqual(marks, [], 'npm run restore is not kept out by a server that never ran');
  } finally {
    holder.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
});
