// Who may call what. Every route names one permission; a permission missing here fails closed
// when routes are registered. The three administrators (三员) hold no business permission.
export const BUSINESS_ROLES = ['applicant', 'unit_head', 'archivist', 'archive_chief', 'auth_leader', 'producer'] as const;
export const ADMIN_ROLES = ['sys_admin', 'sec_admin', 'auditor'] as const;
export const ALL_ROLES = [...BUSINESS_ROLES, 'process_admin', ...ADMIN_ROLES] as const;
export type Role = (typeof ALL_ROLES)[number];

/** 'public': no session needed. 'authenticated': any logged-in user. Otherwise a role list. */
export const POLICY = {
  public: 'public',
  authenticated: 'authenticated',
  // Workflow: business users work processes; the process admin reads and deploys them.
  'process.read': [...BUSINESS_ROLES, 'process_admin'],
  'process.deploy': ['process_admin'],
  'instance.start': [...BUSINESS_ROLES],
  'instance.read': [...BUSINESS_ROLES, 'process_admin'],
  'task.read': [...BUSINESS_ROLES],
  'task.work': [...BUSINESS_ROLES],
  // Archives: everyone with a business role may ask; server/access decides what each one sees.
  'org.read': [...BUSINESS_ROLES, 'process_admin', 'sys_admin', 'sec_admin', 'auditor'],
  'archive.read': [...BUSINESS_ROLES],
  'archive.write': ['archivist', 'archive_chief'],
  'archive.import': ['archivist', 'archive_chief'],
  'custody.manage': ['archive_chief'],
  // Avoidance lists (档案人员规避) are the security administrator's.
  'avoidance.manage': ['sec_admin'],
  // Audit: the auditor only.
  'audit.read': ['auditor'],
} as const satisfies Record<string, 'public' | 'authenticated' | readonly Role[]>;

export type Permission = keyof typeof POLICY;

export function isAllowed(permission: Permission, roles: readonly string[] | null): boolean {
  const rule = POLICY[permission];
  if (rule === undefined) return false;
  if (rule === 'public') return true;
  if (!roles) return false;
  if (rule === 'authenticated') return true;
  return roles.some((r) => (rule as readonly string[]).includes(r));
}
