// A prepared database to copy: most test files start a whole Dangan on the demo data (migrations,
// demo seed, shipped processes), which costs ~0.5 s on SQLite and ~1.9 s on PostgreSQL, the seed
// alone ~1.2 s there. The first start for a given set of inputs prepares a database once and keeps
// it as a template; later starts copy it (a file copy on SQLite, CREATE DATABASE … TEMPLATE on
// PostgreSQL) and then run the boot steps as a restart does.
//
// A template is keyed by everything its contents come from: the sources that migrate, seed and
// deploy (server/, db/, processes/, shared/, package-lock.json), the clock's start, the demo flag,
// the environment given, and on PostgreSQL the server's system identifier (a CI run's server is new
// each time). A template is published by renaming its folder into place, so a half-built one is
// never seen; two processes that build the same one at once keep the first and drop the other.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import knexFactory from 'knex';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SOURCES = ['server', 'db', 'processes', 'shared'];
export const TEMPLATES_DIR = path.join(os.tmpdir(), 'dangan-test-templates');
/** Inside a template folder: the name of its PostgreSQL template database. */
const PG_NAME_FILE = '.pg-template';

let sourceHash: string | undefined;
function sourcesHash(): string {
  if (sourceHash) return sourceHash;
  const h = createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (!/\.test\.[jt]s$/.test(e.name)) h.update(path.relative(ROOT, p)).update('\0').update(fs.readFileSync(p)).update('\0');
    }
  };
  for (const d of SOURCES) if (fs.existsSync(path.join(ROOT, d))) walk(path.join(ROOT, d));
  h.update(fs.readFileSync(path.join(ROOT, 'package-lock.json')));
  sourceHash = h.digest('hex');
  return sourceHash;
}

async function pgSystemId(baseUrl: string): Promise<string> {
  const k = knexFactory({ client: 'pg', connection: baseUrl, pool: { min: 0, max: 1 } });
  try {
    const r = await k.raw('SELECT system_identifier::text AS id FROM pg_control_system()');
    return r.rows[0].id as string;
  } finally {
    await k.destroy();
  }
}

export interface TemplateInputs {
  env: Record<string, string>;
  clockStart: string;
  demo: boolean;
  /** Migrated only (helpers/db.ts's starting point), not booted: no seed, no processes, no clock. */
  migratedOnly?: boolean;
}

/** The template folder for these inputs (it may not exist yet). */
export async function templateDir(inputs: TemplateInputs): Promise<string> {
  const pg = process.env.DATABASE_URL ? await pgSystemId(process.env.DATABASE_URL) : 'sqlite';
  const env = Object.fromEntries(Object.entries(inputs.env).sort(([a], [b]) => a.localeCompare(b)));
  const key = createHash('sha256')
    .update(JSON.stringify({ sources: sourcesHash(), pg, clock: inputs.clockStart, demo: inputs.demo, env, migratedOnly: !!inputs.migratedOnly }))
    .digest('hex')
    .slice(0, 24);
  return path.join(TEMPLATES_DIR, key);
}

/** The PostgreSQL template database a folder was published with. */
export function pgTemplateName(dir: string): string | undefined {
  const f = path.join(dir, PG_NAME_FILE);
  return fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : undefined;
}

/**
 * Publishes a prepared data folder (its database closed) as the template at `dir`. On PostgreSQL
 * `pgName` is the prepared database, kept as the template. Returns false when another process
 * published first; the caller then drops its own.
 */
export function publishTemplate(dataDir: string, dir: string, pgName: string | undefined): boolean {
  if (pgName) fs.writeFileSync(path.join(dataDir, PG_NAME_FILE), pgName);
  fs.mkdirSync(TEMPLATES_DIR, { recursive: true });
  const staged = path.join(TEMPLATES_DIR, `.staged-${process.pid}-${randomBytes(4).toString('hex')}`);
  fs.cpSync(dataDir, staged, { recursive: true });
  try {
    fs.renameSync(staged, dir);
    return true;
  } catch {
    fs.rmSync(staged, { recursive: true, force: true });
    return false;
  }
}

/** Copies a template's data folder (SQLite file, TOTP key, scans) into a new data folder. */
export function copyTemplateFiles(dir: string, dataDir: string): void {
  fs.cpSync(dir, dataDir, { recursive: true, filter: (src) => path.basename(src) !== PG_NAME_FILE });
}

/**
 * Templates of sources changed since: those not used for a day go (no run lasts that long; a use
 * touches its folder), with their PostgreSQL databases on the server of DATABASE_URL.
 */
export async function forgetOldTemplates(): Promise<void> {
  if (!fs.existsSync(TEMPLATES_DIR)) return;
  const dayAgo = Date.now() - 86_400_000;
  const old = fs.readdirSync(TEMPLATES_DIR).map((e) => path.join(TEMPLATES_DIR, e)).filter((p) => {
    try {
      return fs.statSync(p).mtimeMs < dayAgo;
    } catch {
      return false; // another process removed it first
    }
  });
  const databases = old.flatMap((p) => pgTemplateName(p) ?? []);
  if (databases.length && process.env.DATABASE_URL) {
    const k = knexFactory({ client: 'pg', connection: process.env.DATABASE_URL, pool: { min: 0, max: 1 } });
    try {
      for (const name of databases) await k.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await k.destroy();
    }
  }
  for (const p of old) fs.rmSync(p, { recursive: true, force: true });
}

/** A template in use stays: its folder's time says when it was last copied. */
export function touchTemplate(dir: string): void {
  const now = new Date();
  try {
    fs.utimesSync(dir, now, now);
  } catch {
    // Removed meanwhile: the copy that follows fails and says so.
  }
}
