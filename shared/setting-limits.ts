// The ranges of the settings administrators change at run time (系统设置, 安全策略). The server's
// schemas (server/admin/settings.ts) enforce them and the console's forms
// (client/src/lib/components/console/settings/fields.ts) state and check them beforehand; both read
// them from here, so the page cannot promise a value the server refuses.
const DAY = 86_400;

export const SETTING_LIMITS = {
  'password.minLength': { min: 8, max: 64 },
  'password.minClasses': { min: 1, max: 4 },
  'password.historyCount': { min: 0, max: 24 },
  'password.maxAgeDays': { min: 0, max: 3650 },
  'lockout.maxFailures': { min: 1, max: 100 },
  'lockout.lockSeconds': { min: 60, max: 7 * DAY },
  'session.idleSeconds': { min: 60, max: DAY },
  'session.absoluteSeconds': { min: 300, max: 7 * DAY },
  'rateLimit.ipMaxFailures': { min: 1, max: 100_000 },
  'rateLimit.ipWindowSeconds': { min: 10, max: DAY },
  /** Characters, after trimming. */
  'system.siteName': { min: 1, max: 60 },
  'system.loginNotice': { min: 0, max: 500 },
} as const;

export type LimitedSetting = keyof typeof SETTING_LIMITS;
