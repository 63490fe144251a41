// Every setting of Dangan, read from the environment once and validated with zod.
// Nothing else in the server reads process.env: tests build a Config with loadConfig({...}).
import path from 'node:path';
import { z } from 'zod';

const int = (def: number) => z.coerce.number().int().nonnegative().default(def);
const bool = (def: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no'])
    .default(def ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1' || v === 'yes');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(3000),
  HOST: z.string().default('127.0.0.1'),
  DANGAN_DATA_DIR: z.string().default('data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Seed the demo org, users and cadres on an empty database (DESIGN.md "Demo data"). */
  DANGAN_DEMO: bool(true),
  /** Render the demo's page scans in the background after start (db/seeds/demo-scans.ts). */
  DANGAN_DEMO_SCANS: bool(true),
  SMTP_URL: z.string().optional(),
  /** Public base URL used in links inside mails. */
  PUBLIC_URL: z.string().default('http://localhost:3000'),

  // Sessions and login (DOMAIN.md §7 parameters; 等保 level 3 typical values).
  SESSION_IDLE_SECONDS: int(600),
  SESSION_ABSOLUTE_SECONDS: int(8 * 3600),
  LOGIN_MAX_FAILURES: int(5),
  LOGIN_LOCK_SECONDS: int(300),

  // Engine.
  JOB_POLL_MS: int(1000),
  JOB_MAX_RETRIES: int(3),
  JOB_LOCK_SECONDS: int(60),
  TIMER_MIN_CYCLE_SECONDS: int(3600),
  TIMER_MAX_REPETITIONS: int(1000),

  // Archive rules (DOMAIN.md §7 "Parameters"; unverified values stay configurable).
  MAX_LOAN_DAYS: int(7),
  RECEIPT_CHASE_DAYS: int(30),
  TRANSFER_DEADLINE_DAYS: int(60),
  INBOUND_REVIEW_DAYS: int(60),
  MATERIAL_HANDOVER_DAYS: int(30),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180, 'must be at least 180 (网络安全法 第二十一条)').default(180),
});

export type Env = z.input<typeof envSchema>;

export interface Config {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  logLevel: string;
  demo: boolean;
  demoScans: boolean;
  smtpUrl?: string;
  publicUrl: string;
  session: { idleSeconds: number; absoluteSeconds: number; maxFailures: number; lockSeconds: number };
  engine: {
    jobPollMs: number;
    jobMaxRetries: number;
    jobLockSeconds: number;
    timerMinCycleSeconds: number;
    timerMaxRepetitions: number;
  };
  /** Archive parameters handed to process diagrams as `params` (never literals in diagrams). */
  params: {
    maxLoanDays: number;
    receiptChaseDays: number;
    transferDeadlineDays: number;
    inboundReviewDays: number;
    materialHandoverDays: number;
  };
  audit: { retentionDays: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the given environment (default: process.env); throws ConfigError listing every problem. */
export function loadConfig(source: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  }
  const e = parsed.data;
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DANGAN_DATA_DIR),
    databaseUrl: e.DATABASE_URL || undefined,
    logLevel: e.LOG_LEVEL,
    demo: e.DANGAN_DEMO,
    demoScans: e.DANGAN_DEMO && e.DANGAN_DEMO_SCANS,
    smtpUrl: e.SMTP_URL || undefined,
    publicUrl: e.PUBLIC_URL,
    session: {
      idleSeconds: e.SESSION_IDLE_SECONDS,
      absoluteSeconds: e.SESSION_ABSOLUTE_SECONDS,
      maxFailures: e.LOGIN_MAX_FAILURES,
      lockSeconds: e.LOGIN_LOCK_SECONDS,
    },
    engine: {
      jobPollMs: e.JOB_POLL_MS,
      jobMaxRetries: e.JOB_MAX_RETRIES,
      jobLockSeconds: e.JOB_LOCK_SECONDS,
      timerMinCycleSeconds: e.TIMER_MIN_CYCLE_SECONDS,
      timerMaxRepetitions: e.TIMER_MAX_REPETITIONS,
    },
    params: {
      maxLoanDays: e.MAX_LOAN_DAYS,
      receiptChaseDays: e.RECEIPT_CHASE_DAYS,
      transferDeadlineDays: e.TRANSFER_DEADLINE_DAYS,
      inboundReviewDays: e.INBOUND_REVIEW_DAYS,
      materialHandoverDays: e.MATERIAL_HANDOVER_DAYS,
    },
    audit: { retentionDays: e.AUDIT_RETENTION_DAYS },
  };
}
