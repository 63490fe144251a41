// The security policy that authentication follows (password rules, lockout, sessions, TOTP, per-IP
// limits). Its values come from a PolicySource: the settings the security administrator keeps
// (server/admin/settings.ts), over config.ts defaults. The rules here are pure functions.
import type { Q } from '../db.ts';
import type { Config } from '../config.ts';
import { ADMIN_ROLES } from '../http/policy.ts';

export interface SecurityPolicy {
  password: { minLength: number; minClasses: number; historyCount: number; maxAgeDays: number };
  lockout: { maxFailures: number; lockSeconds: number };
  session: { idleSeconds: number; absoluteSeconds: number };
  totp: { roles: string[] };
  rateLimit: { ipMaxFailures: number; ipWindowSeconds: number };
}

export interface PolicySource {
  /**
   * Inside a transaction, pass it: on SQLite (one connection) a read through the root handle
   * would wait for the transaction that holds the connection — a deadlock until the pool times out.
   */
  current(q?: Q): Promise<SecurityPolicy>;
}

export function defaultPolicy(config: Pick<Config, 'session' | 'security'>): SecurityPolicy {
  return {
    password: {
      minLength: config.security.passwordMinLength,
      minClasses: config.security.passwordMinClasses,
      historyCount: config.security.passwordHistory,
      maxAgeDays: config.security.passwordMaxAgeDays,
    },
    lockout: { maxFailures: config.session.maxFailures, lockSeconds: config.session.lockSeconds },
    session: { idleSeconds: config.session.idleSeconds, absoluteSeconds: config.session.absoluteSeconds },
    totp: { roles: [...config.security.totpRoles] },
    rateLimit: { ipMaxFailures: config.security.ipMaxFailures, ipWindowSeconds: config.security.ipWindowSeconds },
  };
}

/** The config defaults as a PolicySource, for tools and tests that run without the settings table. */
export const staticPolicy = (config: Pick<Config, 'session' | 'security'>): PolicySource => ({
  current: async () => defaultPolicy(config),
});

/** The three administrators always need a second factor; other roles when the policy says so. */
export function totpRequiredFor(roles: readonly string[], policy: SecurityPolicy): boolean {
  return roles.some((r) => (ADMIN_ROLES as readonly string[]).includes(r) || policy.totp.roles.includes(r));
}

const DAY_MS = 86_400_000;

/** An initial (reset) password or an expired one must be changed first; demo accounts never must. */
export function mustChangePassword(
  user: { must_change_password: boolean; password_changed_at: string; is_demo: boolean },
  policy: SecurityPolicy,
  now: Date,
): boolean {
  if (user.is_demo) return false;
  if (user.must_change_password) return true;
  const maxAge = policy.password.maxAgeDays;
  return maxAge > 0 && now.getTime() >= new Date(user.password_changed_at).getTime() + maxAge * DAY_MS;
}

export interface BrokenRule {
  rule: string;
  message: string;
  [k: string]: unknown;
}

const CLASSES: Array<[string, RegExp]> = [
  ['lower', /\p{Ll}/u],
  ['upper', /\p{Lu}/u],
  ['digit', /\p{Nd}/u],
  ['symbol', /[^\p{Ll}\p{Lu}\p{Nd}\s]/u],
];

/** Every rule of the policy the password breaks (history is checked by the caller: it needs hashes). */
export function passwordRuleBreaks(password: string, username: string, policy: SecurityPolicy): BrokenRule[] {
  const broken: BrokenRule[] = [];
  const p = policy.password;
  const length = [...password].length;
  if (length < p.minLength) {
    broken.push({ rule: 'minLength', min: p.minLength, message: `密码至少 ${p.minLength} 个字符 / At least ${p.minLength} characters` });
  }
  const classes = CLASSES.filter(([, re]) => re.test(password)).length;
  if (classes < p.minClasses) {
    broken.push({
      rule: 'classes',
      min: p.minClasses,
      message: `至少包含大写字母、小写字母、数字、符号中的 ${p.minClasses} 类 / Use at least ${p.minClasses} of: upper case, lower case, digits, symbols`,
    });
  }
  if (username.length >= 3 && password.toLowerCase().includes(username.toLowerCase())) {
    broken.push({ rule: 'containsUsername', message: '密码不能包含用户名 / Must not contain the username' });
  }
  if (/\s/.test(password)) {
    broken.push({ rule: 'whitespace', message: '密码不能包含空白字符 / Must not contain spaces' });
  }
  return broken;
}

export const historyBreak = (count: number): BrokenRule => ({
  rule: 'history',
  count,
  message: `不能与最近 ${count} 次使用过的密码相同 / Must differ from the last ${count} passwords`,
});
