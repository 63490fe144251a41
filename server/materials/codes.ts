// The code lists of material collection: intake statuses (the ledger's 已接收 / 已退回 / 已入台账 /
// 已归档), the review checklist of DOMAIN.md §6.5 (the 2009 规定's 鉴别要点 plus the filing
// conditions), the key fields compared with the archive, delivery methods. Codes are what the
// database, the forms and the API carry; labels are for people.
import type { CadreRow } from '../archives/store.ts';
import type { IntakeRow, IntakeStatus } from './store.ts';

export const INTAKE_STATUSES: Record<IntakeStatus, { zh: string; en: string }> = {
  received: { zh: '已接收', en: 'Received' },
  returned: { zh: '已退回', en: 'Returned' },
  ledgered: { zh: '已入台账', en: 'Entered in the ledger' },
  filed: { zh: '已归档', en: 'Filed' },
  /** The case was withdrawn or terminated before filing. */
  withdrawn: { zh: '已撤回', en: 'Withdrawn' },
  /** The archive office refused it at 接收鉴别 (拒收), with a reason. */
  refused: { zh: '已拒收', en: 'Refused' },
};

/** The review checklist: every item must be ticked to accept (form material-review, field passedChecks). */
export const REVIEW_CHECKS = {
  finished: '办理完毕',
  subject: '对象明确',
  complete: '齐全完整',
  legible: '文字清楚',
  truthful: '内容真实',
  wellFilled: '填写规范',
  formalities: '手续完备',
  originalOrSealedCopy: '原件或注明复制时间并盖章的复制件',
  paperAndInk: '纸张规格和书写材料符合要求',
} as const;
export type ReviewCheck = keyof typeof REVIEW_CHECKS;
export const REVIEW_CHECK_CODES = Object.keys(REVIEW_CHECKS) as ReviewCheck[];

export const DELIVERY_METHODS = { hand: '专人送交', confidential: '机要交通' } as const;

/** The category of 任免 materials, which must show the approving body, date and 文号 (DOMAIN.md §1.2). */
export const APPOINTMENT_CATEGORY = '9-2';

/** The four key fields of the 2009 规定 (姓名、出生时间、参加工作时间、入党时间). */
export const KEY_FIELDS = [
  { key: 'name', zh: '姓名', en: 'name', stated: 'stated_name', archive: 'name' },
  { key: 'birthDate', zh: '出生时间', en: 'birth date', stated: 'stated_birth_date', archive: 'birth_date' },
  { key: 'workStartDate', zh: '参加工作时间', en: 'work start date', stated: 'stated_work_start_date', archive: 'work_start_date' },
  { key: 'partyJoinDate', zh: '入党时间', en: 'party join date', stated: 'stated_party_join_date', archive: 'party_join_date' },
] as const;

export interface KeyFieldMismatch {
  field: (typeof KEY_FIELDS)[number]['key'];
  label: string;
  stated: string;
  archive: string;
}

/**
 * The key fields where the material and the archive disagree, computed on the server from the
 * intake and the cadre record (never from the form). A field is compared when both sides record
 * it: a material that does not mention the party join date is no mismatch, and neither is a
 * value the archive does not hold yet.
 */
export function keyFieldMismatches(intake: IntakeRow, cadre: CadreRow): KeyFieldMismatch[] {
  const out: KeyFieldMismatch[] = [];
  for (const f of KEY_FIELDS) {
    const stated = (intake as unknown as Record<string, string | null>)[f.stated]?.trim() || null;
    const recorded = (cadre as unknown as Record<string, string | null>)[f.archive]?.trim() || null;
    if (stated && recorded && stated !== recorded) out.push({ field: f.key, label: f.zh, stated, archive: recorded });
  }
  return out;
}

/** A review point as a return names it: its code and its words (an unknown code reads as itself). */
export const reviewPoint = (code: string) => ({ code, label: (REVIEW_CHECKS as Record<string, string>)[code] ?? code });
