// The A01 fields of a cadre: column, A01 code (DOMAIN.md §2.2), labels and kind. The import reads
// its headers from here and updateCadreField checks its field names against it.
import { GENDERS, MANAGEMENT_LEVEL_CODES } from './codes.ts';
import { idNumberProblems, isCalendarDate } from './validate.ts';
import { isEthnicity } from '../../shared/ethnicities.ts';
import { hasInvisible, INVISIBLE_MESSAGE } from '../http/zod.ts';

export type FieldKind = 'text' | 'date' | 'gender' | 'id_number' | 'level' | 'ethnicity' | 'org';

export interface CadreField {
  column: string;
  a01?: string;
  zh: string;
  en: string;
  kind: FieldKind;
  required: boolean;
  max: number;
  /**
   * Text people read (姓名, 籍贯, 政治面貌, 学历, 学位, 职务): no invisible characters (zero-width,
   * bidirectional controls; server/http/zod.ts visibleText), whether typed, corrected or imported.
   */
  visible?: boolean;
}

export const CADRE_FIELDS: CadreField[] = [
  { column: 'name', a01: 'a0101', zh: '姓名', en: 'name', kind: 'text', required: true, max: 50, visible: true },
  { column: 'gender', a01: 'a0104', zh: '性别', en: 'gender', kind: 'gender', required: true, max: 1 },
  { column: 'birth_date', a01: 'a0107', zh: '出生日期', en: 'birth date', kind: 'date', required: true, max: 10 },
  { column: 'native_place', a01: 'a0111a', zh: '籍贯', en: 'native place', kind: 'text', required: true, max: 50, visible: true },
  { column: 'ethnicity', a01: 'a0117', zh: '民族', en: 'ethnicity', kind: 'ethnicity', required: true, max: 20 },
  { column: 'work_start_date', a01: 'a0134', zh: '参加工作日期', en: 'work start date', kind: 'date', required: false, max: 10 },
  { column: 'political_status', a01: 'a0141', zh: '政治面貌', en: 'political status', kind: 'text', required: true, max: 20, visible: true },
  { column: 'party_join_date', a01: 'a0144', zh: '入党日期', en: 'party join date', kind: 'date', required: false, max: 10 },
  { column: 'id_number', a01: 'a0184', zh: '身份证号', en: 'ID number', kind: 'id_number', required: true, max: 18 },
  { column: 'education', zh: '学历', en: 'education', kind: 'text', required: false, max: 20, visible: true },
  { column: 'degree', zh: '学位', en: 'degree', kind: 'text', required: false, max: 20, visible: true },
  { column: 'org_unit_id', zh: '工作单位', en: 'unit', kind: 'org', required: true, max: 64 },
  { column: 'post', zh: '职务', en: 'post', kind: 'text', required: false, max: 100, visible: true },
  { column: 'management_level', zh: '管理权限', en: 'management level', kind: 'level', required: true, max: 12 },
];

export const fieldByName = (name: string): CadreField | undefined =>
  CADRE_FIELDS.find((f) => f.column === name || f.a01 === name.toLowerCase());

/** Format problem of one value, or null. Org existence is checked by the caller (needs the db). */
export function valueProblem(f: CadreField, value: string | null): string | null {
  if (value === null || value === '') return f.required ? '必填 / required' : null;
  if (value.length > f.max) return `不能超过${f.max}个字符 / at most ${f.max} characters`;
  // 「王\u200b建国」 looks like 王建国 in every list yet is another name (and another pinyin key);
  // a 职务 or 籍贯 with a bidi control reads differently from what is stored.
  if (f.visible && hasInvisible(value)) return INVISIBLE_MESSAGE;
  // A record's words are words: a line break, markup (<b>博士</b>) or an emoji (梁😀) is a slip
  // of the keyboard or a paste, never what a 干部任免审批表 says.
  if (f.visible && /[\p{Cc}<>]|\p{Extended_Pictographic}/u.test(value)) return '不得含有换行、尖括号、表情符号等非文字字符 / must not contain line breaks, angle brackets, emoji or other non-text characters';
  switch (f.kind) {
    case 'date':
      return isCalendarDate(value) ? null : '应为完整日期 YYYY-MM-DD / must be a full date YYYY-MM-DD';
    case 'ethnicity':
      return isEthnicity(value) ? null : '须为 56 个民族的名称之一，如“汉族”“蒙古族”（GB/T 3304） / must name one of the 56 ethnic groups, e.g. 汉族 (GB/T 3304)';
    case 'gender':
      return value in GENDERS ? null : '性别代码应为1（男）或2（女） / gender code must be 1 (male) or 2 (female)';
    case 'id_number':
      return idNumberProblems(value)[0] ?? null;
    case 'level':
      return (MANAGEMENT_LEVEL_CODES as string[]).includes(value)
        ? null
        : `管理权限应为 ${MANAGEMENT_LEVEL_CODES.join('/')} 之一 / management level must be one of ${MANAGEMENT_LEVEL_CODES.join(', ')}`;
    default:
      return null;
  }
}
