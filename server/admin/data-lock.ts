// Which processes use a data folder. Each server writes <data dir>/.in-use/<pid>.json (pid, host,
// the process's start time) when it starts and removes it when it stops cleanly; several servers
// may share one folder, so each has a file of its own. `npm run restore` refuses while any of them
// is alive: a restore moves the database aside, and a running server would go on writing into the
// moved-aside file (work lost without a word). A file whose process is gone (a crash, kill -9), or
// whose pid now belongs to a process started at another time (the pid was reused), is stale and
// ignored. A file written on another host cannot be checked from here and counts as in use.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const IN_USE_DIR = '.in-use';

export interface InUse {
  pid: number;
  host: string;
  /** Linux: the start time of the process in clock ticks since boot (/proc/<pid>/stat field 22); null elsewhere. */
  procStart: string | null;
  startedAt: string;
  file: string;
}

function procStart(pid: number): string | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: fields after the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Marks the folder as used by this process; returns the function that removes the mark. */
export function markInUse(dataDir: string): () => void {
  const dir = path.join(dataDir, IN_USE_DIR);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = path.join(dir, `${process.pid}.json`);
  const body = { pid: process.pid, host: os.hostname(), procStart: procStart(process.pid), startedAt: new Date().toISOString() };
  fs.writeFileSync(file, JSON.stringify(body) + '\n', { mode: 0o600 });
  let done = false;
  const release = () => {
    if (done) return;
    done = true;
    fs.rmSync(file, { force: true });
  };
  process.once('exit', release);
  return release;
}

/** The live processes using the folder (stale marks are removed on the way). */
export function usersOf(dataDir: string): InUse[] {
  const dir = path.join(dataDir, IN_USE_DIR);
  if (!fs.existsSync(dir)) return [];
  const out: InUse[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.endsWith('.json'))) {
    const file = path.join(dir, name);
    let m: Omit<InUse, 'file'>;
    try {
      m = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      continue; // Being written or damaged: not a claim anybody can rely on.
    }
    if (typeof m.pid !== 'number') continue;
    if (m.host === os.hostname()) {
      const stale = !alive(m.pid) || (m.procStart != null && procStart(m.pid) != null && procStart(m.pid) !== m.procStart);
      if (stale) {
        fs.rmSync(file, { force: true });
        continue;
      }
    }
    out.push({ ...m, file });
  }
  return out;
}
