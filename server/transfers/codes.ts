// The code lists of 转递 with their labels: order statuses, reasons, destination kinds, methods and
// chase channels. Codes are what the database, the API and the diagrams carry; labels are for people.

export const OUT_STATUSES = {
  preparing: { zh: '整理中', en: 'Being prepared' },
  approving: { zh: '待审批', en: 'Awaiting approval' },
  sent: { zh: '已发出', en: 'Sent' },
  returned: { zh: '被退回', en: 'Returned as defective' },
  receipted: { zh: '已回执', en: 'Receipt returned' },
  cancelled: { zh: '已撤销', en: 'Cancelled' },
} as const;

export const IN_STATUSES = {
  checking: { zh: '待查收', en: 'To be checked' },
  returned: { zh: '已退回', en: 'Sent back as defective' },
  receipted: { zh: '已回执，待审核入库', en: 'Receipt signed; review pending' },
  stored: { zh: '已入库', en: 'Stored' },
  cancelled: { zh: '已撤销', en: 'Cancelled' },
} as const;

export type OutStatus = keyof typeof OUT_STATUSES;
export type InStatus = keyof typeof IN_STATUSES;
export const ORDER_STATUS_CODES = [...new Set([...Object.keys(OUT_STATUSES), ...Object.keys(IN_STATUSES)])] as [string, ...string[]];

/** 转出原因 (DOMAIN.md §7 seed data; §1.3 third bullet for the special cases). */
export const REASONS = {
  transfer: { zh: '调出', en: 'Moved to another unit' },
  appointment: { zh: '任职（管理权限变动）', en: 'Appointment (change of authority)' },
  retirement: { zh: '退休', en: 'Retirement' },
  resignation: { zh: '辞职', en: 'Resignation' },
  abroad: { zh: '出国（境）不归', en: 'Stayed abroad' },
  dismissal: { zh: '辞退', en: 'Dismissal' },
  contract_end: { zh: '解除（终止）聘用合同', en: 'Contract ended' },
  expulsion: { zh: '开除', en: 'Expelled from public office' },
} as const;
export type Reason = keyof typeof REASONS;
export const REASON_CODES = Object.keys(REASONS) as [Reason, ...Reason[]];

/**
 * 第二十五条: after resignation, staying abroad, dismissal, the end of a contract or expulsion the
 * archive goes — after a conclusion and a 保密审查 — to a 干部人事档案工作机构, a 公共就业和人才服务机构
 * or the social-security office of the person's 户籍 place.
 */
export const SPECIAL_REASONS: readonly Reason[] = ['resignation', 'abroad', 'dismissal', 'contract_end', 'expulsion'];

export const DESTINATION_KINDS = {
  office: { zh: '系统内管档单位', en: 'Archive office in Dangan' },
  outside_office: { zh: '系统外干部人事档案工作机构', en: 'Archive office outside Dangan' },
  talent_service: { zh: '公共就业和人才服务机构', en: 'Public employment and talent service' },
  social_security: { zh: '户籍所在地社会保障服务机构', en: 'Social-security office of the household registration' },
} as const;
export type DestinationKind = keyof typeof DESTINATION_KINDS;
export const DESTINATION_KIND_CODES = Object.keys(DESTINATION_KINDS) as [DestinationKind, ...DestinationKind[]];
/** Where an ordinary transfer (not a special case) may go: an archive office. */
export const OFFICE_DESTINATIONS: readonly DestinationKind[] = ['office', 'outside_office'];

/** 机要交通 or 派专人送取 — never post, never carried by the cadre (DOMAIN.md §1.3 [S17]). */
export const METHODS = {
  confidential: { zh: '机要交通', en: 'Confidential courier service' },
  courier: { zh: '派专人送取', en: 'Named couriers' },
} as const;
export type Method = keyof typeof METHODS;

export const CHASE_CHANNELS = {
  mail: { zh: '系统通知接收单位', en: 'Notice to the receiving office' },
  phone: { zh: '电话催问', en: 'Telephone' },
  letter: { zh: '函询', en: 'Letter' },
  visit: { zh: '上门催问', en: 'Visit' },
  other: { zh: '其他', en: 'Other' },
} as const;

export const label = (table: Record<string, { zh: string }>, code: string | null | undefined): string =>
  code ? (table[code]?.zh ?? code) : '';
