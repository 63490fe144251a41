// Settings that administrators change at run time: the security policy (sec_admin) and the system
// settings (sys_admin). A row in `settings` overrides the config.ts default of its key; every
// change is audited as a configuration change (config.change, one row per key, old and new value).
// Values are read through a short cache so each request does not query them; a change made on
// another server is seen within CACHE_MS, one made here at once.
import type { ZodType } from 'zod';
import type { Config } from '../config.ts';
import type { Db, Q } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import { z, visibleText } from '../http/zod.ts';
import { NON_ADMIN_ROLES } from '../http/policy.ts';
import { SETTING_LIMITS, type LimitedSetting } from '../../shared/setting-limits.ts';
import type { Actor, AuditLog } from '../audit/service.ts';
import type { PolicySource, SecurityPolicy } from '../people/policy.ts';
import * as store from './store.ts';

export type SettingOwner = 'sec_admin' | 'sys_admin';

interface SettingDef {
  owner: SettingOwner;
  schema: ZodType;
  default: (c: Config) => unknown;
}

/** A whole number in the setting's range (shared/setting-limits.ts). */
const int = (key: LimitedSetting) => z.number().int().min(SETTING_LIMITS[key].min).max(SETTING_LIMITS[key].max);
/** Text of the setting's length, trimmed. */
const text = (key: LimitedSetting) => visibleText(SETTING_LIMITS[key].min, SETTING_LIMITS[key].max);


/** Every setting: its owner, the values it accepts, and its default. Keys are group.name. */
export const SETTINGS: Record<string, SettingDef> = {
  'password.minLength': { owner: 'sec_admin', schema: int('password.minLength'), default: (c) => c.security.passwordMinLength },
  'password.minClasses': { owner: 'sec_admin', schema: int('password.minClasses'), default: (c) => c.security.passwordMinClasses },
  'password.historyCount': { owner: 'sec_admin', schema: int('password.historyCount'), default: (c) => c.security.passwordHistory },
  'password.maxAgeDays': { owner: 'sec_admin', schema: int('password.maxAgeDays'), default: (c) => c.security.passwordMaxAgeDays },
  'lockout.maxFailures': { owner: 'sec_admin', schema: int('lockout.maxFailures'), default: (c) => c.session.maxFailures },
  'lockout.lockSeconds': { owner: 'sec_admin', schema: int('lockout.lockSeconds'), default: (c) => c.session.lockSeconds },
  'session.idleSeconds': { owner: 'sec_admin', schema: int('session.idleSeconds'), default: (c) => c.session.idleSeconds },
  'session.absoluteSeconds': { owner: 'sec_admin', schema: int('session.absoluteSeconds'), default: (c) => c.session.absoluteSeconds },
  'totp.roles': { owner: 'sec_admin', schema: z.array(z.enum(NON_ADMIN_ROLES)).max(NON_ADMIN_ROLES.length), default: (c) => c.security.totpRoles },
  'rateLimit.ipMaxFailures': { owner: 'sec_admin', schema: int('rateLimit.ipMaxFailures'), default: (c) => c.security.ipMaxFailures },
  'rateLimit.ipWindowSeconds': { owner: 'sec_admin', schema: int('rateLimit.ipWindowSeconds'), default: (c) => c.security.ipWindowSeconds },
  'system.siteName': { owner: 'sys_admin', schema: text('system.siteName'), default: () => '干部人事档案管理系统' },
  'system.loginNotice': { owner: 'sys_admin', schema: text('system.loginNotice'), default: () => '' },
};

/** The nested object schema of one owner's settings ({group: {name: value}}); all optional for a change. */
export function settingsSchema(owner: SettingOwner, partial: boolean) {
  const groups: Record<string, Record<string, ZodType>> = {};
  for (const [key, def] of Object.entries(SETTINGS)) {
    if (def.owner !== owner) continue;
    const [g, n] = key.split('.');
    (groups[g] ??= {})[n] = partial ? def.schema.optional() : def.schema;
  }
  return z
    .object(Object.fromEntries(Object.entries(groups).map(([g, shape]) => [g, partial ? z.object(shape).strict().optional() : z.object(shape).strict()])))
    .strict();
}

const CACHE_MS = 5_000;

export class SettingsService implements PolicySource {
  private cache: { values: Record<string, unknown>; at: number } | null = null;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Config,
    private readonly audit: AuditLog,
  ) {}

  /** Every setting's value: the stored override, else the config default. */
  async values(q: Q = this.db): Promise<Record<string, unknown>> {
    if (this.cache && performance.now() - this.cache.at < CACHE_MS) return this.cache.values;
    const stored = await store.settingRows(q);
    const values: Record<string, unknown> = {};
    for (const [key, def] of Object.entries(SETTINGS)) {
      const parsed = key in stored ? def.schema.safeParse(stored[key]) : undefined;
      // A stored value that no longer fits (edited by hand) falls back to the default, never to nothing.
      values[key] = parsed?.success ? parsed.data : def.default(this.config);
    }
    this.cache = { values, at: performance.now() };
    return values;
  }

  async group(owner: SettingOwner): Promise<Record<string, Record<string, unknown>>> {
    const values = await this.values();
    const out: Record<string, Record<string, unknown>> = {};
    for (const [key, def] of Object.entries(SETTINGS)) {
      if (def.owner !== owner) continue;
      const [g, n] = key.split('.');
      (out[g] ??= {})[n] = values[key];
    }
    return out;
  }

  async current(q?: Q): Promise<SecurityPolicy> {
    const v = await this.values(q);
    return {
      password: {
        minLength: v['password.minLength'] as number,
        minClasses: v['password.minClasses'] as number,
        historyCount: v['password.historyCount'] as number,
        maxAgeDays: v['password.maxAgeDays'] as number,
      },
      lockout: { maxFailures: v['lockout.maxFailures'] as number, lockSeconds: v['lockout.lockSeconds'] as number },
      session: { idleSeconds: v['session.idleSeconds'] as number, absoluteSeconds: v['session.absoluteSeconds'] as number },
      totp: { roles: v['totp.roles'] as string[] },
      rateLimit: { ipMaxFailures: v['rateLimit.ipMaxFailures'] as number, ipWindowSeconds: v['rateLimit.ipWindowSeconds'] as number },
    };
  }

  /** Applies a change of one owner's settings (already shaped by settingsSchema); audits each changed key. */
  async update(actor: Actor, ip: string | null, owner: SettingOwner, patch: Record<string, Record<string, unknown> | undefined>) {
    const before = await this.values();
    const changes: Array<[string, unknown]> = [];
    for (const [g, fields] of Object.entries(patch)) {
      for (const [n, value] of Object.entries(fields ?? {})) {
        const key = `${g}.${n}`;
        if (value === undefined || SETTINGS[key]?.owner !== owner) continue;
        if (JSON.stringify(before[key]) !== JSON.stringify(value)) changes.push([key, value]);
      }
    }
    const after = { ...before, ...Object.fromEntries(changes) };
    if ((after['session.absoluteSeconds'] as number) < (after['session.idleSeconds'] as number)) {
      throw errors.validation(
        [{ field: 'session.absoluteSeconds', message: '绝对超时不能短于空闲超时 / must not be shorter than idleSeconds' }],
        '会话超时设置不一致 / Inconsistent session timeouts',
      );
    }
    if (changes.length) {
      await this.db.transaction(async (trx) => {
        for (const [key, value] of changes) {
          await store.putSetting(trx, key, value, iso(this.clock.now()), actor.id);
          await this.audit.record(trx, {
            actor,
            ip,
            action: 'config.change',
            objectType: 'setting',
            objectId: key,
            detail: { from: before[key], to: value },
          });
        }
      });
      this.cache = null;
    }
    return this.group(owner);
  }
}
