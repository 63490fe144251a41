// Who may call what. Every route names one permission; a permission missing here fails closed
// when routes are registered. The three administrators (三员) hold no business permission.
export const BUSINESS_ROLES = ['applicant', 'unit_head', 'archivist', 'archive_chief', 'auth_leader', 'producer'] as const;
export const ADMIN_ROLES = ['sys_admin', 'sec_admin', 'auditor'] as const;
export const ALL_ROLES = [...BUSINESS_ROLES, 'process_admin', ...ADMIN_ROLES] as const;
/** Everyone but the three administrators (三员), who handle no business. */
export const NON_ADMIN_ROLES = [...BUSINESS_ROLES, 'process_admin'] as const;
export type Role = (typeof ALL_ROLES)[number];

/** 'public': no session needed. 'authenticated': any logged-in user. Otherwise a role list. */
export const POLICY = {
  public: 'public',
  authenticated: 'authenticated',
  // Workflow: business users work processes; the process admin reads and deploys them.
  'process.read': [...BUSINESS_ROLES, 'process_admin'],
  'process.deploy': ['process_admin'],
  // Process administration (server/processes/): versions, forms, proposals, and 运行监控 — the
  // process administrator only; no business user sees how other people's cases run.
  'process.admin': ['process_admin'],
  'process.operate': ['process_admin'],
  'instance.start': [...BUSINESS_ROLES],
  'instance.read': [...BUSINESS_ROLES, 'process_admin'],
  'task.read': [...BUSINESS_ROLES],
  'task.work': [...BUSINESS_ROLES],
  // 督办 of the office's work: the archive chief sees the office's open tasks and hands them on.
  'task.oversee': ['archive_chief'],
  // The requester's side and the case file (server/workflow/): scope is checked per case.
  'application.read': [...BUSINESS_ROLES],
  'instance.withdraw': [...BUSINESS_ROLES],
  'case.contribute': [...BUSINESS_ROLES],
  'form.read': [...BUSINESS_ROLES, 'process_admin'],
  'lookup.read': [...BUSINESS_ROLES, 'process_admin'],
  // The three administrators (三员), each through their own console and nothing else.
  // Audit: the auditor only (the log of everyone, the other two administrators included).
  // 督办: business users, each within their scope; the administrators see no business deadlines.
  'deadline.read': [...BUSINESS_ROLES],
  // The mail outbox (mail stays there without SMTP_URL; incidents): the system administrator.
  'outbox.read': ['sys_admin'],
  'outbox.retry': ['sys_admin'],
  // Archives: everyone with a business role may ask; server/access decides what each one sees.
  'org.read': [...BUSINESS_ROLES, 'process_admin'],
  'archive.read': [...BUSINESS_ROLES],
  'archive.write': ['archivist', 'archive_chief'],
  'archive.import': ['archivist', 'archive_chief'],
  'custody.manage': ['archive_chief'],
  // 材料收集归档 (server/materials/): the ledger for the archive office's staff and leaders and for
  // producing units (their own hand-overs); scans by producers; withdrawing a 催收 by the office.
  'material.read': ['archivist', 'archive_chief', 'auth_leader', 'producer'],
  'material.scan': ['producer'],
  'material.chase': ['archivist', 'archive_chief'],
  // 信息更正 (server/corrections/): the archive office and the leaders who approve.
  'correction.read': ['archivist', 'archive_chief', 'auth_leader'],
  // 转递: the archive offices' staff and their leaders read the orders of their offices; archivists act.
  'transfer.read': ['archivist', 'archive_chief', 'auth_leader'],
  'transfer.record': ['archivist'],
  // 利用 records (server/requests/): every business user may ask, each sees the records of their
  // scope; the office books (查阅登记簿, 复制登记) are for the office's staff and the leaders above it.
  'request.read': [...BUSINESS_ROLES],
  'register.read': ['archivist', 'archive_chief', 'auth_leader'],
  'loan.read': [...BUSINESS_ROLES],
  'loan.renew': ['applicant'],
  'grant.read': [...BUSINESS_ROLES],
  'colleague.read': ['applicant'],
  // Scan quality control (server/quality/): the office's staff and the leaders above read the list;
  // the office's staff run checks. Certified copies (server/copies/): the archivist makes the PDF;
  // downloading is checked per copy (the office, and the applicants until they report disposal).
  // A copy case's rows: those who read the register, and the applicants of that request.
  'scan.read': ['archivist', 'archive_chief', 'auth_leader'],
  'scan.check': ['archivist', 'archive_chief'],
  // 数字化进度: the office's staff mark an archive partly digitised or digitised; the chief verifies it.
  'archive.digitise': ['archivist', 'archive_chief'],
  // 库房核对: the office's staff check the shelves, the chief closes; the leaders above read.
  'stock.read': ['archivist', 'archive_chief', 'auth_leader'],
  'stock.check': ['archivist', 'archive_chief'],
  'stock.close': ['archive_chief'],
  // 专项审核 (server/reviews/): the office's staff score archives, the chief confirms; the leaders above read.
  'review.read': ['archivist', 'archive_chief', 'auth_leader'],
  'review.score': ['archivist', 'archive_chief'],
  'review.decide': ['archive_chief'],
  // 审核标准 (server/reviews/standards.ts): read by whoever reviews or configures; published by the process administrator.
  'review_standard.read': ['archivist', 'archive_chief', 'auth_leader', 'process_admin'],
  'review_standard.publish': ['process_admin'],
  // 数字化出库/回库 (server/digitisation/): the office's register of batches, for its staff and the leaders above.
  'digitisation.read': ['archivist', 'archive_chief', 'auth_leader'],
  'copy.produce': ['archivist'],
  'copy.download': ['archivist', 'archive_chief', 'applicant'],
  'copy.case_read': ['archivist', 'archive_chief', 'auth_leader', 'applicant'],
  // 统计分析 (server/reports/): counts of the office's holdings and work, for its staff and the leaders above.
  'report.read': ['archivist', 'archive_chief', 'auth_leader'],
  // Avoidance lists (档案人员规避) are the security administrator's.
  'avoidance.manage': ['sec_admin'],
  // Audit: the auditor only.
  'audit.read': ['auditor'],
  'audit.manage': ['auditor'],
  // Accounts: both the system and the security administrator see them; the system administrator
  // creates, disables, unlocks and resets them; the security administrator grants roles and scopes.
  'users.read': ['sys_admin', 'sec_admin'],
  'users.manage': ['sys_admin'],
  'roles.manage': ['sec_admin'],
  'security.policy': ['sec_admin'],
  'system.settings': ['sys_admin'],
  'backup.manage': ['sys_admin'],
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
