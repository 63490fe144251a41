// The fields of the two settings forms (系统设置, 安全策略): their key (group.name, as the server's
// field errors name them), their kind, and the range the server accepts, read from the same
// shared/setting-limits.ts as the server's schemas (server/admin/settings.ts), which refuse anything
// outside it; the page only says so beforehand.
import { roleList } from '../../../format/roles.ts';
import { formatDuration } from '../../../format/dates.ts';
import { tc } from '../../../i18n/console-settings.ts';
import { i18n } from '../../../i18n/index.svelte.ts';
import { paren } from '../../../format/punct.ts';
import { SETTING_LIMITS } from '../../../../../../shared/setting-limits.ts';

export type Unit = 'chars' | 'classes' | 'times' | 'days' | 'seconds';

export type FieldDef =
  | { key: string; kind: 'int'; min: number; max: number; unit: Unit }
  | { key: string; kind: 'text'; max: number }
  | { key: string; kind: 'textarea'; max: number }
  | { key: string; kind: 'roles'; options: readonly string[] };

export interface FormDef {
  /** The strings' section: 'settings' or 'security'. */
  section: 'settings' | 'security';
  groups: Array<{ name: string; fields: FieldDef[] }>;
}

export const SYSTEM_FORM: FormDef = {
  section: 'settings',
  groups: [
    {
      name: 'system',
      fields: [
        { key: 'system.siteName', kind: 'text', max: SETTING_LIMITS['system.siteName'].max },
        { key: 'system.loginNotice', kind: 'textarea', max: SETTING_LIMITS['system.loginNotice'].max },
      ],
    },
  ],
};

/** The roles a policy may ask a one-time code of (the three administrators always need one). */
const TOTP_ROLES = ['applicant', 'unit_head', 'archivist', 'archive_chief', 'auth_leader', 'producer', 'process_admin'] as const;

export const SECURITY_FORM: FormDef = {
  section: 'security',
  groups: [
    {
      name: 'password',
      fields: [
        { key: 'password.minLength', kind: 'int', ...SETTING_LIMITS['password.minLength'], unit: 'chars' },
        { key: 'password.minClasses', kind: 'int', ...SETTING_LIMITS['password.minClasses'], unit: 'classes' },
        { key: 'password.historyCount', kind: 'int', ...SETTING_LIMITS['password.historyCount'], unit: 'times' },
        { key: 'password.maxAgeDays', kind: 'int', ...SETTING_LIMITS['password.maxAgeDays'], unit: 'days' },
      ],
    },
    {
      name: 'lockout',
      fields: [
        { key: 'lockout.maxFailures', kind: 'int', ...SETTING_LIMITS['lockout.maxFailures'], unit: 'times' },
        { key: 'lockout.lockSeconds', kind: 'int', ...SETTING_LIMITS['lockout.lockSeconds'], unit: 'seconds' },
      ],
    },
    {
      name: 'session',
      fields: [
        { key: 'session.idleSeconds', kind: 'int', ...SETTING_LIMITS['session.idleSeconds'], unit: 'seconds' },
        { key: 'session.absoluteSeconds', kind: 'int', ...SETTING_LIMITS['session.absoluteSeconds'], unit: 'seconds' },
      ],
    },
    { name: 'totp', fields: [{ key: 'totp.roles', kind: 'roles', options: TOTP_ROLES }] },
    {
      name: 'rateLimit',
      fields: [
        { key: 'rateLimit.ipMaxFailures', kind: 'int', ...SETTING_LIMITS['rateLimit.ipMaxFailures'], unit: 'times' },
        { key: 'rateLimit.ipWindowSeconds', kind: 'int', ...SETTING_LIMITS['rateLimit.ipWindowSeconds'], unit: 'seconds' },
      ],
    },
  ],
};

export type Values = Record<string, unknown>;

/** {group: {name: value}} (the server's shape) → {'group.name': value}. */
export function flatten(nested: Record<string, Record<string, unknown>>): Values {
  const out: Values = {};
  for (const [g, fields] of Object.entries(nested)) for (const [n, v] of Object.entries(fields)) out[`${g}.${n}`] = v;
  return out;
}

/** The changed keys as the server takes them: {group: {name: value}}. */
export function nest(values: Values): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, v] of Object.entries(values)) {
    const [g, n] = key.split('.');
    (out[g] ??= {})[n] = v;
  }
  return out;
}

/** Whether two values of a field are the same (the order of ticked roles does not matter). */
export function same(a: unknown, b: unknown): boolean {
  const norm = (v: unknown) => (Array.isArray(v) ? [...v].sort() : v);
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

/** A value as the user reads it: "1800 秒（即 30 分钟）", role names, "（空）". */
export function showValue(field: FieldDef, v: unknown): string {
  if (field.kind === 'roles') {
    const roles = Array.isArray(v) ? (v as string[]) : [];
    return roles.length ? roleList(roles) : tc('form.none');
  }
  if (field.kind === 'int') {
    if (typeof v !== 'number' || !Number.isFinite(v)) return tc('form.empty');
    const text = `${v} ${tc(`security.units.${field.unit}`)}`;
    return field.unit === 'seconds' && v >= 60 ? `${text}${paren(i18n.locale, tc('form.equals', { time: formatDuration(v * 1000) }))}` : text;
  }
  const s = String(v ?? '');
  return s.trim() ? s : tc('form.empty');
}
