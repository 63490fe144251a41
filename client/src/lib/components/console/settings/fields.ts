// The fields of the two settings forms (系统设置, 安全策略): their key (group.name, as the server's
// field errors name them), their kind, and the range the server accepts. The server's schema
// (server/admin/settings.ts) is the authority and refuses anything outside it; the ranges here
// only say so beforehand.
import { i18n } from '../../../i18n/index.svelte.ts';
import { formatDuration } from '../../../format/dates.ts';
import { tc } from '../../../i18n/console-settings.ts';

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

const DAY = 86_400;

export const SYSTEM_FORM: FormDef = {
  section: 'settings',
  groups: [
    {
      name: 'system',
      fields: [
        { key: 'system.siteName', kind: 'text', max: 60 },
        { key: 'system.loginNotice', kind: 'textarea', max: 500 },
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
        { key: 'password.minLength', kind: 'int', min: 8, max: 64, unit: 'chars' },
        { key: 'password.minClasses', kind: 'int', min: 1, max: 4, unit: 'classes' },
        { key: 'password.historyCount', kind: 'int', min: 0, max: 24, unit: 'times' },
        { key: 'password.maxAgeDays', kind: 'int', min: 0, max: 3650, unit: 'days' },
      ],
    },
    {
      name: 'lockout',
      fields: [
        { key: 'lockout.maxFailures', kind: 'int', min: 1, max: 100, unit: 'times' },
        { key: 'lockout.lockSeconds', kind: 'int', min: 60, max: 7 * DAY, unit: 'seconds' },
      ],
    },
    {
      name: 'session',
      fields: [
        { key: 'session.idleSeconds', kind: 'int', min: 60, max: DAY, unit: 'seconds' },
        { key: 'session.absoluteSeconds', kind: 'int', min: 300, max: 7 * DAY, unit: 'seconds' },
      ],
    },
    { name: 'totp', fields: [{ key: 'totp.roles', kind: 'roles', options: TOTP_ROLES }] },
    {
      name: 'rateLimit',
      fields: [
        { key: 'rateLimit.ipMaxFailures', kind: 'int', min: 1, max: 100_000, unit: 'times' },
        { key: 'rateLimit.ipWindowSeconds', kind: 'int', min: 10, max: DAY, unit: 'seconds' },
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
    return roles.length ? roles.map((r) => i18n.tx(`roles.${r}`, undefined, r)).join('、') : tc('form.none');
  }
  if (field.kind === 'int') {
    if (typeof v !== 'number' || !Number.isFinite(v)) return tc('form.empty');
    const text = `${v} ${tc(`security.units.${field.unit}`)}`;
    return field.unit === 'seconds' && v >= 60 ? `${text}（${tc('form.equals', { time: formatDuration(v * 1000) })}）` : text;
  }
  const s = String(v ?? '');
  return s.trim() ? s : tc('form.empty');
}
