// The archive offices a user starts a 库房核对 for. No route lists the caller's offices (统计分析's
// summary does, but reading it is audited as report.read and counts a whole year), so they are
// read off the org tree (GET /api/org-units) by the server's own rule, AccessRules.custodianOffices:
// an archivist's or chief's own unit if it holds archives, and for an auth_leader every office in
// the unit's subtree. The server stays the judge: an office it does not agree with answers 404.
import type { ApiRoutes } from '../../api/types.ts';

type OrgUnit = ApiRoutes['GET /api/org-units']['response'][number];

export interface Office {
  id: number;
  name: string;
}

/** Roles that read no holdings, whatever else the user holds. */
const EXCLUSIVE = ['sys_admin', 'sec_admin', 'auditor', 'process_admin'];

export function officesOf(units: OrgUnit[], user: { orgUnit: { id: number }; roles: string[] }): Office[] {
  if (user.roles.some((r) => EXCLUSIVE.includes(r))) return [];
  const mine = units.find((u) => u.id === user.orgUnit.id);
  if (!mine) return [];
  const out = new Map<number, OrgUnit>();
  if (mine.isCustodian && user.roles.some((r) => r === 'archivist' || r === 'archive_chief')) out.set(mine.id, mine);
  if (user.roles.includes('auth_leader')) for (const u of units) if (u.isCustodian && u.path.startsWith(mine.path)) out.set(u.id, u);
  return [...out.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0)).map((u) => ({ id: u.id, name: u.name }));
}
