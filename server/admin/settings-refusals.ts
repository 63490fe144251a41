// A refused change of the security policy or the system settings (400: a value out of range, an
// unknown field, inconsistent timeouts) is a security event too: someone tried to set, say,
// audit.retentionDays to 30 or the lockout to nothing. The error handler writes one `config.change`
// row with outcome denied naming the fields tried and the fields refused — never a value (a value
// may be a secret, or the very thing being probed).
import type { Request } from 'express';
import type { AuditEntry } from '../audit/service.ts';

/** The settings routes whose refused writes are audited, by route path → which administrator's settings. */
const AUDITED = new Map<string, string>([
  ['/api/admin/settings', 'sys_admin'],
  ['/api/admin/security-policy', 'sec_admin'],
]);

const MAX_FIELDS = 20;
const fieldName = (v: string): string | null => (/^[A-Za-z0-9_.]{1,64}$/.test(v) ? v : null);

/** "group.field" of each value the body tried to set (the body's keys, two levels deep; never a value). */
function fieldsTried(body: unknown): string[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return [];
  const out: string[] = [];
  for (const [g, fields] of Object.entries(body as Record<string, unknown>)) {
    if (fields && typeof fields === 'object' && !Array.isArray(fields)) for (const n of Object.keys(fields)) out.push(`${g}.${n}`);
    else out.push(g);
  }
  return out.map(fieldName).filter((f): f is string => f !== null);
}

/** The audit row of a refused settings write, or null when the request is not one. */
export function refusedSettingsWrite(req: Request, status: number, answer: { code?: string; details?: unknown }): AuditEntry | null {
  const owner = AUDITED.get(req.route?.path ?? '');
  if (status !== 400 || req.method !== 'PUT' || !owner || !req.user) return null;
  const tried = fieldsTried(req.body);
  const refused = Array.isArray(answer.details)
    ? [...new Set(answer.details.map((d) => (d && typeof d === 'object' ? fieldName(String((d as { field?: unknown }).field ?? '')) : null)).filter((f): f is string => !!f))]
    : [];
  return {
    actor: { id: req.user.id, username: req.user.username, roles: req.user.roles, orgUnitId: req.user.orgUnitId },
    ip: req.ip,
    action: 'config.change',
    objectType: 'setting',
    outcome: 'denied',
    detail: {
      owner,
      code: answer.code ?? null,
      fields: tried.slice(0, MAX_FIELDS),
      ...(tried.length > MAX_FIELDS ? { moreFields: tried.length - MAX_FIELDS } : {}),
      refused: refused.slice(0, MAX_FIELDS),
    },
  };
}
