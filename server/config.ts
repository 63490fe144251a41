// Every setting of Dangan, read from the environment once and validated with zod.
// Nothing else in the server reads process.env: tests build a Config with loadConfig({...}).
import { MIN_SCAN_DPI } from './archives/codes.ts';
import { DEFAULT_SCRYPT_N } from './people/passwords.ts';
import path from 'node:path';
import { z } from 'zod';
import { ALL_ROLES } from './http/policy.ts';

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
  SMTP_URL: z.string().regex(/^smtps?:\/\/[^\s]+$/, 'must be an smtp:// or smtps:// URL').optional(),
  /** Public base URL used in links inside mails. */
  PUBLIC_URL: z.string().regex(/^https?:\/\/[^\s]+$/, 'must be an http(s) URL').default('http://localhost:3000'),

  // Mail (server/notify/). Recipients come only from the user directory; their domains must be listed here.
  MAIL_FROM: z.string().regex(/^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,63}$/, 'must be a plain address like noreply@dangan.example').default('noreply@dangan.example'),
  MAIL_FROM_NAME: z.string().regex(/^[^\r\n\x00-\x1f\x7f]{1,80}$/, 'one line, at most 80 characters').default('干部人事档案管理系统'),
  /** Comma-separated domains mail may be sent to (exact match, case-insensitive). */
  MAIL_ALLOWED_DOMAINS: z
    .string()
    .default('dangan.example')
    .transform((v) => v.split(',').map((d) => d.trim().toLowerCase()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^([a-z0-9-]{1,63}\.)+[a-z]{2,63}$/, 'each must be a domain name like dangan.example')).min(1, 'at least one domain')),
  MAIL_POLL_MS: int(5000),
  MAIL_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(10),
  MAIL_RETRY_BASE_SECONDS: z.coerce.number().int().min(1).default(30),
  MAIL_RETRY_MAX_SECONDS: z.coerce.number().int().min(1).default(3600),
  /** How long a worker holds a claimed message; longer than any SMTP timeout. */
  MAIL_LOCK_SECONDS: z.coerce.number().int().min(10).default(300),
  /** Hour (Asia/Shanghai) of the daily digest for users who chose one and did not pick an hour. */
  MAIL_DIGEST_HOUR: z.coerce.number().int().min(0).max(23).default(8),

  // 督办 (server/deadlines/): a deadline's light turns yellow in the last N % of its span.
  DEADLINE_YELLOW_PERCENT: z.coerce.number().int().min(1).max(99).default(20),
  /** 专项审核工作 (server/reviews/campaign-reminders.ts): the office's chief is told N days before a campaign's due day. */
  CAMPAIGN_REMINDER_DAYS: z.coerce.number().int().min(1).max(60).default(3),

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
  /** Process administration (server/processes/): a deployment waits for a second process administrator. */
  DEPLOY_REQUIRES_APPROVAL: bool(false),

  // Archive rules (DOMAIN.md §7 "Parameters"; unverified values stay configurable).
  MAX_LOAN_DAYS: int(7),
  // 转递 (DOMAIN.md §1.3): transfer finished "2个月内" of the 管理权限 change, 审核入库 "2个月内" of
  // receipt, the 回执 chased when "more than one month" overdue: calendar months (deadlines/service.ts
  // monthsAfter). The former *_DAYS settings are refused, not silently ignored.
  TRANSFER_DEADLINE_MONTHS: z.coerce.number().int().min(1).max(12).default(2),
  INBOUND_REVIEW_MONTHS: z.coerce.number().int().min(1).max(12).default(2),
  RECEIPT_CHASE_MONTHS: z.coerce.number().int().min(1).max(12).default(1),
  TRANSFER_DEADLINE_DAYS: z
    .undefined({ message: 'TRANSFER_DEADLINE_DAYS is replaced by TRANSFER_DEADLINE_MONTHS (calendar months, default 2)' })
    .optional(),
  INBOUND_REVIEW_DAYS: z
    .undefined({ message: 'INBOUND_REVIEW_DAYS is replaced by INBOUND_REVIEW_MONTHS (calendar months, default 2)' })
    .optional(),
  RECEIPT_CHASE_DAYS: z
    .undefined({ message: 'RECEIPT_CHASE_DAYS is replaced by RECEIPT_CHASE_MONTHS (calendar months, default 1)' })
    .optional(),
  // 材料移交 "在材料形成后1个月内" (DOMAIN.md §1.2): calendar months (server/materials/deps.ts
  // addCalendarMonths). The former MATERIAL_HANDOVER_DAYS is refused, not silently ignored.
  MATERIAL_HANDOVER_MONTHS: z.coerce.number().int().min(1).max(12).default(1),
  MATERIAL_HANDOVER_DAYS: z
    .undefined({ message: 'MATERIAL_HANDOVER_DAYS is replaced by MATERIAL_HANDOVER_MONTHS (calendar months, default 1)' })
    .optional(),
  // 材料收集归档 and 信息更正 (server/materials/, server/corrections/): the time each step has, as the
  // due dates of its tasks (FEEL `params.*` in the diagrams). 归档 within a month of receipt is from
  // memory in DOMAIN.md §1.2 (unverified); the others are the office's own service levels.
  // The reading room (server/reading/): the width of the watermarked page and of its thumbnails.
  READING_PAGE_WIDTH: z.coerce.number().int().min(400).max(4000).default(1600),
  READING_THUMB_WIDTH: z.coerce.number().int().min(60).max(600).default(200),
  MATERIAL_REVIEW_DAYS: z.coerce.number().int().min(1).max(365).default(5),
  MATERIAL_RESUBMIT_DAYS: z.coerce.number().int().min(1).max(365).default(15),
  MATERIAL_FILING_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  CORRECTION_INVESTIGATE_DAYS: z.coerce.number().int().min(1).max(365).default(15),
  CORRECTION_OPINION_DAYS: z.coerce.number().int().min(1).max(365).default(5),
  CORRECTION_APPROVAL_DAYS: z.coerce.number().int().min(1).max(365).default(10),
  /** Category (类号) of the 认定表 a correction files (DOMAIN.md §6.6: 五类 or 九类 by local practice, unverified). */
  CORRECTION_FILING_CATEGORY: z.string().regex(/^\d{1,2}(-\d)?$/, 'a category code such as 5 or 9-2').default('5'),
  /** JSON file naming which materials record which item and which the cadre filled in (default: processes/correction-evidence.json). */
  CORRECTION_EVIDENCE_FILE: z.string().optional(),
  /** 专人送取: how many named couriers carry a transferred archive (DOMAIN.md §1.3: 2 名中共党员 [S19]). */
  TRANSFER_COURIERS: z.coerce.number().int().min(1).max(5).default(2),
  /**
   * The 字 of each office's transfer slips (转递单 “__字第__号”), as `office code=字` pairs separated by
   * commas, e.g. `150300-ZZB-DAS=乌组档转,150302-ZZB-DAS=海组档转`. An office not listed uses the first
   * two characters of its name + 档转.
   */
  TRANSFER_SLIP_WORDS: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((p) => p.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[^=\s]{1,40}=[^=,\s]{1,20}$/, 'each must be <office code>=<字>')))
    .transform((pairs) => Object.fromEntries(pairs.map((p) => p.split('=') as [string, string]))),
  /** 查阅/借阅, 复制 (server/requests/): the longest electronic viewing window a request may ask for, and the days after copying within which the using unit reports filing or destruction (unverified local practice). */
  MAX_VIEWING_DAYS: int(5),
  /** How far ahead a 查阅 may be planned (拟查阅日期 at most this many days after today; unverified local practice). */
  MAX_VIEWING_LEAD_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  COPY_DISPOSITION_DAYS: int(30),
  /** 数字化出库 (server/digitisation/): the latest expected return date a batch may name, in days from its start. */
  DIGITISATION_MAX_DAYS: z.coerce.number().int().min(1).max(365).default(90),
  /**
   * 专项审核 (server/reviews/): the lowest score of a 合格 archive, out of the standard's 100 (unverified
   * local practice). At most one decimal: scores are shown to one decimal, cut off (reviews/percent.ts),
   * and a finer mark (59.95) would let a shown 59.9 pass — the page and the decision would disagree.
   */
  REVIEW_PASS_SCORE: z.coerce
    .number()
    .min(0)
    .max(100)
    .refine((n) => Number.isInteger(Math.round(n * 10 * 1e6) / 1e6), 'REVIEW_PASS_SCORE: 至多一位小数 / at most one decimal, as scores are shown')
    .default(80),
  /** Scan quality checks (server/quality/): the lowest resolution a page scan may have (DOMAIN.md §3: ≥ 200 dpi, unverified for the cadre standard). */
  SCAN_MIN_DPI: z.coerce.number().int().min(72).max(1200).default(MIN_SCAN_DPI),
  /** Certified copies (server/copies/): the longest side, in pixels, of a watermarked page in the PDF (0: the scan's own size). */
  COPY_PDF_MAX_PX: z.coerce.number().int().min(0).max(10000).default(0),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(180, 'must be at least 180 (网络安全法 第二十一条)').default(180),

  // Security policy defaults (等保 level 3 typical values, DOMAIN.md §4.2). The security
  // administrator overrides them in the settings table; these are the values of a fresh install.
  PASSWORD_MIN_LENGTH: z.coerce.number().int().min(8, 'must be at least 8').max(64).default(8),
  PASSWORD_MIN_CLASSES: z.coerce.number().int().min(1).max(4).default(3),
  PASSWORD_HISTORY: z.coerce.number().int().min(0).max(24).default(5),
  /** 0: passwords never expire. */
  PASSWORD_MAX_AGE_DAYS: int(90),
  /** Business roles that must also give a TOTP code (the three administrators always must). */
  TOTP_ROLES: z
    .string()
    .default('')
    .transform((v) => v.split(',').map((r) => r.trim()).filter(Boolean))
    .refine((roles) => roles.every((r) => (ALL_ROLES as readonly string[]).includes(r)), `roles are among ${ALL_ROLES.join(', ')}`),
  /** Failed logins from one IP address within the window before that address is refused (429). */
  LOGIN_IP_MAX_FAILURES: z.coerce.number().int().min(1).default(20),
  LOGIN_IP_WINDOW_SECONDS: z.coerce.number().int().min(10).default(600),
  /** Express "trust proxy": set it (e.g. `loopback` or `1`) behind a load balancer, so rate limits see client IPs. */
  TRUST_PROXY: z.string().default(''),

  // Audit checkpoints and backups.
  /** Ed25519 private key that signs audit checkpoints; default <data dir>/keys/audit-ed25519.pem. */
  AUDIT_KEY_FILE: z.string().optional(),
  /** AES-256 key (32 bytes, base64) that encrypts TOTP secrets at rest; default <data dir>/keys/totp-aes256.key. */
  TOTP_KEY_FILE: z.string().optional(),
  /** scrypt's cost N of new password hashes (server/people/passwords.ts); the test suite lowers it to 2^10. */
  PASSWORD_SCRYPT_N: z.coerce
    .number()
    .int()
    .min(1024)
    .max(1048576)
    .refine((n) => (n & (n - 1)) === 0, 'must be a power of two')
    .default(DEFAULT_SCRYPT_N),
  AUDIT_CHECKPOINT_MINUTES: z.coerce.number().int().min(1).max(1440, 'at most 1440 (one day)').default(60),
  /** Where `npm run backup` and the console write backups; default <data dir>/backups. */
  BACKUP_DIR: z.string().optional(),
  /** AES-256 key (32 bytes, base64) that encrypts backups at rest; default <data dir>/keys/backup-aes256.key. Never inside a backup. */
  BACKUP_KEY_FILE: z.string().optional(),
  // Inbox and cases (server/workflow/).
  /** A task is "due soon" (yellow light) when its due date is less than this far away. */
  INBOX_DUE_SOON_HOURS: z.coerce.number().int().min(1).max(24 * 30).default(24),
  /** How often an open inbox asks whether anything changed (ETag polling). */
  INBOX_POLL_SECONDS: z.coerce.number().int().min(5).max(600).default(15),
  /**
   * 目录导入 (server/archives/import-read.ts): XLSX files read at once, each in a worker thread whose
   * heap may grow to 1.5 GB; one more is refused with 503 IMPORT_BUSY, never queued. CSV files are not counted.
   */
  IMPORT_MAX_XLSX_READS: z.coerce.number().int().min(1).max(16).default(1),
  ATTACHMENT_MAX_MB: z.coerce.number().int().min(1).max(200).default(10),
  ATTACHMENTS_PER_CASE: z.coerce.number().int().min(1).max(1000).default(50),
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
  mail: {
    from: string;
    fromName: string;
    allowedDomains: string[];
    pollMs: number;
    maxAttempts: number;
    retryBaseSeconds: number;
    retryMaxSeconds: number;
    lockSeconds: number;
    digestHour: number;
  };
  deadlines: { yellowPercent: number; campaignReminderDays: number };
  session: { idleSeconds: number; absoluteSeconds: number; maxFailures: number; lockSeconds: number };
  engine: {
    jobPollMs: number;
    jobMaxRetries: number;
    jobLockSeconds: number;
    timerMinCycleSeconds: number;
    timerMaxRepetitions: number;
  };
  /** Process administration: four eyes on deployments when set. */
  processes: { requireApproval: boolean };
  /** Archive parameters handed to process diagrams as `params` (never literals in diagrams). */
  params: {
    maxLoanDays: number;
    receiptChaseMonths: number;
    transferDeadlineMonths: number;
    inboundReviewMonths: number;
    /**
     * Only for 转递 diagrams deployed before the limits were months: their timers read
     * `params.receiptChaseDays` / `params.inboundReviewDays`. 31 days a month, so such a timer never
     * fires before the calendar-month deadline. New diagrams wait for the computed instant instead.
     */
    receiptChaseDays: number;
    inboundReviewDays: number;
    materialHandoverMonths: number;
    materialReviewDays: number;
    materialResubmitDays: number;
    materialFilingDays: number;
    correctionInvestigateDays: number;
    correctionOpinionDays: number;
    correctionApprovalDays: number;
    transferCouriers: number;
    maxViewingDays: number;
    maxViewingLeadDays: number;
    copyDispositionDays: number;
    digitisationMaxDays: number;
    reviewPassScore: number;
  };
  /** 信息更正: where the 认定表 is filed and the evidence map (server/corrections/evidence.ts). */
  corrections: { filingCategory: string; evidenceFile?: string };
  /** 转递 (server/transfers/): the 字 of each office's transfer slips, by office code. */
  transfers: { slipWords: Record<string, string> };
  /** Scan quality checks (server/quality/) and certified copies (server/copies/). */
  scans: { minDpi: number; copyPdfMaxPx: number };
  audit: { retentionDays: number; keyFile: string; checkpointMinutes: number };
  /** The key file that encrypts TOTP secrets in the database. */
  totpKeyFile: string;
  /** scrypt's N for new password hashes. */
  passwordScryptN: number;
  /** Defaults of the security policy; the settings table (sec_admin) overrides them. */
  security: {
    passwordMinLength: number;
    passwordMinClasses: number;
    passwordHistory: number;
    passwordMaxAgeDays: number;
    totpRoles: string[];
    ipMaxFailures: number;
    ipWindowSeconds: number;
  };
  trustProxy: string;
  backup: { dir: string; keyFile: string };
  inbox: { dueSoonHours: number; pollSeconds: number };
  attachments: { maxBytes: number; maxPerCase: number };
  /** 目录导入: how many XLSX files are read at once (each worker up to 1.5 GB of heap). */
  imports: { maxXlsxReads: number };
  /** The reading room: widths (px) of the watermarked page and thumbnails served to readers. */
  reading: { pageWidth: number; thumbWidth: number };
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
  const dataDir = path.resolve(e.DANGAN_DATA_DIR);
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    dataDir,
    databaseUrl: e.DATABASE_URL || undefined,
    logLevel: e.LOG_LEVEL,
    demo: e.DANGAN_DEMO,
    demoScans: e.DANGAN_DEMO && e.DANGAN_DEMO_SCANS,
    smtpUrl: e.SMTP_URL || undefined,
    publicUrl: e.PUBLIC_URL.replace(/\/+$/, ''),
    mail: {
      from: e.MAIL_FROM,
      fromName: e.MAIL_FROM_NAME,
      allowedDomains: e.MAIL_ALLOWED_DOMAINS,
      pollMs: e.MAIL_POLL_MS,
      maxAttempts: e.MAIL_MAX_ATTEMPTS,
      retryBaseSeconds: e.MAIL_RETRY_BASE_SECONDS,
      retryMaxSeconds: e.MAIL_RETRY_MAX_SECONDS,
      lockSeconds: e.MAIL_LOCK_SECONDS,
      digestHour: e.MAIL_DIGEST_HOUR,
    },
    deadlines: { yellowPercent: e.DEADLINE_YELLOW_PERCENT, campaignReminderDays: e.CAMPAIGN_REMINDER_DAYS },
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
    processes: { requireApproval: e.DEPLOY_REQUIRES_APPROVAL },
    params: {
      maxLoanDays: e.MAX_LOAN_DAYS,
      receiptChaseMonths: e.RECEIPT_CHASE_MONTHS,
      transferDeadlineMonths: e.TRANSFER_DEADLINE_MONTHS,
      inboundReviewMonths: e.INBOUND_REVIEW_MONTHS,
      receiptChaseDays: 31 * e.RECEIPT_CHASE_MONTHS,
      inboundReviewDays: 31 * e.INBOUND_REVIEW_MONTHS,
      materialHandoverMonths: e.MATERIAL_HANDOVER_MONTHS,
      materialReviewDays: e.MATERIAL_REVIEW_DAYS,
      materialResubmitDays: e.MATERIAL_RESUBMIT_DAYS,
      materialFilingDays: e.MATERIAL_FILING_DAYS,
      correctionInvestigateDays: e.CORRECTION_INVESTIGATE_DAYS,
      correctionOpinionDays: e.CORRECTION_OPINION_DAYS,
      correctionApprovalDays: e.CORRECTION_APPROVAL_DAYS,
      transferCouriers: e.TRANSFER_COURIERS,
      maxViewingDays: e.MAX_VIEWING_DAYS,
      maxViewingLeadDays: e.MAX_VIEWING_LEAD_DAYS,
      copyDispositionDays: e.COPY_DISPOSITION_DAYS,
      digitisationMaxDays: e.DIGITISATION_MAX_DAYS,
      reviewPassScore: e.REVIEW_PASS_SCORE,
    },
    corrections: {
      filingCategory: e.CORRECTION_FILING_CATEGORY,
      evidenceFile: e.CORRECTION_EVIDENCE_FILE ? path.resolve(e.CORRECTION_EVIDENCE_FILE) : undefined,
    },
    transfers: { slipWords: e.TRANSFER_SLIP_WORDS },
    scans: { minDpi: e.SCAN_MIN_DPI, copyPdfMaxPx: e.COPY_PDF_MAX_PX },
    totpKeyFile: path.resolve(e.TOTP_KEY_FILE ?? path.join(dataDir, 'keys', 'totp-aes256.key')),
    passwordScryptN: e.PASSWORD_SCRYPT_N,
    audit: {
      retentionDays: e.AUDIT_RETENTION_DAYS,
      keyFile: path.resolve(e.AUDIT_KEY_FILE ?? path.join(dataDir, 'keys', 'audit-ed25519.pem')),
      checkpointMinutes: e.AUDIT_CHECKPOINT_MINUTES,
    },
    security: {
      passwordMinLength: e.PASSWORD_MIN_LENGTH,
      passwordMinClasses: e.PASSWORD_MIN_CLASSES,
      passwordHistory: e.PASSWORD_HISTORY,
      passwordMaxAgeDays: e.PASSWORD_MAX_AGE_DAYS,
      totpRoles: e.TOTP_ROLES,
      ipMaxFailures: e.LOGIN_IP_MAX_FAILURES,
      ipWindowSeconds: e.LOGIN_IP_WINDOW_SECONDS,
    },
    trustProxy: e.TRUST_PROXY,
    backup: { dir: path.resolve(e.BACKUP_DIR ?? path.join(dataDir, 'backups')), keyFile: path.resolve(e.BACKUP_KEY_FILE ?? path.join(dataDir, 'keys', 'backup-aes256.key')) },
    inbox: { dueSoonHours: e.INBOX_DUE_SOON_HOURS, pollSeconds: e.INBOX_POLL_SECONDS },
    attachments: { maxBytes: e.ATTACHMENT_MAX_MB * 1024 * 1024, maxPerCase: e.ATTACHMENTS_PER_CASE },
    imports: { maxXlsxReads: e.IMPORT_MAX_XLSX_READS },
    reading: { pageWidth: e.READING_PAGE_WIDTH, thumbWidth: e.READING_THUMB_WIDTH },
  };
}

/** For main.ts and the command-line tools: the config, or the list of problems and exit code 2. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(2);
    }
    throw e;
  }
}

/**
 * The environment for a child process (pg_dump, pg_restore): ours plus the given variables. Kept
 * here so that this file stays the only one that touches process.env.
 */
export function childProcessEnv(extra: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return { ...process.env, ...extra };
}
