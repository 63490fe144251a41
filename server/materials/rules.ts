// The conditions a material must meet (DOMAIN.md §1.2 [S12][S15]), shared by the steps of
// material-collection.bpmn: at registration, at a resubmission, and at filing (9-2's formalities).
import { errors, type AppError } from '../errors.ts';
import { APPOINTMENT_CATEGORY } from './codes.ts';
import { addCalendarMonths, str } from './deps.ts';
import { hasInvisible } from '../http/zod.ts';

export type Problem = { rule: string; message: string; details?: Record<string, unknown> };

const APPROVAL_FIELDS = ['approvalAuthority', 'approvalDate', 'approvalDocNo'] as const;

/**
 * A 任免 material (9-2) must show its approving body, date and 文号 (DOMAIN.md §1.2 [S15]): asked at
 * registration and again at filing, when the archivist files a material under 9-2 that was handed
 * over under another category.
 */
export function appointmentProblems(v: Record<string, unknown>, today: string): Problem | null {
  if (String(v.categoryCode) !== APPOINTMENT_CATEGORY) return null;
  const missing = APPROVAL_FIELDS.filter((k) => !str(v[k]));
  if (missing.length) {
    return { rule: 'appointment_formalities', message: '任免材料须写明批准机关、批准时间和文号 / An appointment material must show the approving body, date and document number', details: { missing } };
  }
  if (String(v.approvalDate) > today) return { rule: 'appointment_formalities', message: '批准时间晚于今天 / The approval date is in the future', details: { missing: [] } };
  return null;
}

/** The conditions a material must meet to be handed over at all (DOMAIN.md §1.2 [S12][S15]). */
export function registrationProblems(v: Record<string, unknown>, today: string): Problem | null {
  const formed = String(v.formedDate);
  for (const [field, zh, en] of [['title', '材料名称', 'The title'], ['remark', '备注', 'The remark']] as const) {
    const text = str(v[field]);
    if (text && hasInvisible(text)) return { rule: 'invisible_text', message: `${zh}不得含有看不见的字符（如零宽空格） / ${en} must not contain invisible characters such as zero-width spaces`, details: { field } };
  }
  // A title is one line: a newline or tab would run on into case subjects, the inbox and mails.
  if (/\p{Cc}/u.test(String(v.title ?? ''))) {
    return { rule: 'title_one_line', message: '材料名称须为一行文字，不得含换行符或制表符 / The title must be one line, without line breaks or tabs', details: { field: 'title' } };
  }
  if (formed > today) return { rule: 'formed_date_future', message: '材料形成时间晚于今天 / The formation date is in the future' };
  if (v.isCopy === true) {
    const copyDate = str(v.copyDate);
    if (!copyDate || v.copySealed !== true) {
      return { rule: 'copy_needs_date_and_seal', message: '复制件须注明复制时间并加盖公章 / A copy must show its copy date and carry a seal' };
    }
    if (copyDate < formed || copyDate > today) return { rule: 'copy_date', message: '复制时间须在形成时间之后、不晚于今天 / The copy date must fall between formation and today' };
  }
  const appointment = appointmentProblems(v, today);
  if (appointment) return appointment;
  if (v.deliveryMethod === 'confidential' && !str(v.confidentialNo)) {
    return { rule: 'confidential_number', message: '机要交通移交须填写机要编号 / A hand-over by confidential courier needs its number' };
  }
  return null;
}

/**
 * A material formed before the cadre was born is a typing error (1900-01-01), never a fact: refused
 * at the field, at registration and at every resubmission.
 */
export function formedBeforeBirth(formedDate: string, cadre: { birth_date: string | null }): AppError | undefined {
  if (cadre.birth_date && formedDate < cadre.birth_date) {
    return errors.rule('formed_before_birth', `材料形成时间 ${formedDate} 早于干部的出生日期 ${cadre.birth_date} / The formation date ${formedDate} is before the cadre’s birth date ${cadre.birth_date}`, { field: 'formedDate', birthDate: cadre.birth_date });
  }
}

/** The case subject of an intake: the material, the cadre, and 【逾期移交】 for a late hand-over. */
export const intakeSubject = (title: string, cadreName: string, late: boolean) =>
  `材料移交：${title.length > 30 ? `${title.slice(0, 30)}…` : title}（${cadreName}）${late ? '【逾期移交】' : ''}`;

/** The hand-over period of a material formed on `formed`: due `months` calendar months later (Beijing days, addCalendarMonths), late after that. */
export function handoverTerms(formed: string, today: string, months: number): { handoverDue: string; late: boolean } {
  const handoverDue = addCalendarMonths(formed, months);
  return { handoverDue, late: today > handoverDue };
}
