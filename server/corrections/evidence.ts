// The items a correction case may concern (三龄二历一身份 and the other A01 facts) and the evidence
// table: which catalogue materials record the item, which of them the cadre filled in, and which
// one the rules name as the default basis (出生日期: the earliest-formed self-filled material,
// DOMAIN.md §1.6 [S32][S33]). Which titles count is an office's local knowledge, so it is data:
// processes/correction-evidence.json (or CORRECTION_EVIDENCE_FILE), checked at start-up.
import fs from 'node:fs';
import { z } from 'zod';
import type { MaterialRow } from '../archives/catalog-store.ts';

export const ITEMS = {
  birth_date: { zh: '出生日期', en: 'birth date', field: 'birth_date' },
  party_join_date: { zh: '入党时间', en: 'party join date', field: 'party_join_date' },
  work_start_date: { zh: '参加工作时间', en: 'work start date', field: 'work_start_date' },
  education: { zh: '学历', en: 'education', field: 'education' },
  degree: { zh: '学位', en: 'degree', field: 'degree' },
  work_history: { zh: '工作经历', en: 'work history', field: null },
  cadre_status: { zh: '干部身份', en: 'cadre status', field: null },
  name: { zh: '姓名', en: 'name', field: 'name' },
  ethnicity: { zh: '民族', en: 'ethnicity', field: 'ethnicity' },
  native_place: { zh: '籍贯', en: 'native place', field: 'native_place' },
  // A new number after the police corrected the 户口 (e.g. to a 认定 birth date), or a number mistyped.
  id_number: { zh: '身份证号', en: 'ID number', field: 'id_number' },
} as const;
export type Item = keyof typeof ITEMS;
export const ITEM_CODES = Object.keys(ITEMS) as [Item, ...Item[]];

/** A changed 出生日期 or 参加工作时间 needs a superior's reply (上级批复) [S32][S41]. */
export const REPLY_REQUIRED: readonly Item[] = ['birth_date', 'work_start_date'];

const rule = z.object({ category: z.string().regex(/^\d{1,2}(-\d)?$/), titleContains: z.array(z.string().min(1)).optional() }).strict();
export type MaterialRule = z.infer<typeof rule>;
const mapSchema = z
  .object({
    $comment: z.string().optional(),
    selfFilled: z.array(rule),
    items: z.partialRecord(
      z.enum(ITEM_CODES),
      z.object({ evidence: z.array(rule).min(1), basis: z.union([z.object({ earliestSelfFilled: z.literal(true) }).strict(), z.object({ rules: z.array(rule).min(1) }).strict()]).optional() }).strict(),
    ),
  })
  .strict();
export type EvidenceMap = z.infer<typeof mapSchema>;

/** Reads and checks the map; a broken file stops the server with the problems listed. */
export function loadEvidenceMap(file: string): EvidenceMap {
  const parsed = mapSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return parsed.data;
}

export const matches = (r: MaterialRule, m: Pick<MaterialRow, 'category_code' | 'title'>): boolean =>
  (m.category_code === r.category || m.category_code.startsWith(`${r.category}-`)) && (!r.titleContains || r.titleContains.some((s) => m.title.includes(s)));

export interface EvidenceRow {
  material: MaterialRow;
  selfFilled: boolean;
  defaultBasis: boolean;
}

/** The evidence table of an item over a catalogue, oldest first; at most one default basis. */
export function buildEvidence(map: EvidenceMap, item: Item, catalogue: MaterialRow[]): EvidenceRow[] {
  const spec = map.items[item];
  if (!spec) return [];
  const rows = catalogue
    .filter((m) => spec.evidence.some((r) => matches(r, m)))
    .sort((a, b) => a.formed_date.localeCompare(b.formed_date) || a.id - b.id)
    .map((m) => ({ material: m, selfFilled: map.selfFilled.some((r) => matches(r, m)), defaultBasis: false }));
  const basis = spec.basis;
  const pick = !basis ? undefined : 'earliestSelfFilled' in basis ? rows.find((r) => r.selfFilled) : rows.find((r) => basis.rules.some((x) => matches(x, r.material)));
  if (pick) pick.defaultBasis = true;
  return rows;
}
