// The transfer slip (干部人事档案材料转递单, DOMAIN.md §1.3 from the Tianjin templates [S40]) in its
// three parts: 存根 (kept by the sender), 正文 (travels with the archive), 回执 (signed and sealed by the
// receiver and sent back at once). Built from an order row; no database, no clock.
import { parseJson } from '../db.ts';
import { dayOf } from './dates.ts';
import { label, METHODS, REASONS } from './codes.ts';
import type { OrderRow } from './store.ts';

export const slipText = (word: string | null, no: string | null): string => (word && no ? `${word}字第${no}号` : no ?? '');

/** 2026年11月05日 */
const chineseDate = (day: string | null): string => {
  if (!day) return '____年__月__日';
  const [y, m, d] = day.split('-');
  return `${y}年${m}月${d}日`;
};

export interface Slip {
  word: string | null;
  number: string | null;
  text: string;
  date: string | null;
  fromUnit: string;
  toUnit: string;
  method: string | null;
  methodLabel: string;
  couriers: Array<{ name: string; partyMember: boolean }>;
  persons: Array<{ name: string; unitAndPost: string; reason: string; volumesMain: number; volumesCopy: number; materialCount: number }>;
  stub: { text: string; date: string | null; number: string };
  body: { text: string; sender: string | null };
  receipt: { text: string; returned: boolean; signer: string | null; at: string | null; source: string | null };
}

export function buildSlip(o: OrderRow, senderName: string | null): Slip {
  const text = slipText(o.slip_word, o.slip_no);
  const date = o.sent_at ? dayOf(o.sent_at) : null;
  const main = o.volumes_main ?? 0;
  const copy = o.volumes_copy ?? 0;
  const materials = o.material_count ?? 0;
  const who = `${o.cadre_name}等1名同志`;
  const receiptDay = o.receipt_at ? (o.receipt_at.length === 10 ? o.receipt_at : dayOf(o.receipt_at)) : null;
  return {
    word: o.slip_word,
    number: o.slip_no,
    text,
    date,
    fromUnit: o.from_unit_name,
    toUnit: o.to_unit_name,
    method: o.method,
    methodLabel: label(METHODS, o.method),
    couriers: parseJson<Array<{ name: string; partyMember: boolean }>>(o.couriers, []),
    persons: [
      { name: o.cadre_name, unitAndPost: o.unit_and_post ?? '', reason: label(REASONS, o.reason), volumesMain: main, volumesCopy: copy, materialCount: materials },
    ],
    stub: {
      text: `${who}的档案正本${main}卷，副本${copy}卷，材料共${materials}份，已由${o.from_unit_name}转往${o.to_unit_name}。`,
      date,
      number: text,
    },
    body: {
      text: `${o.to_unit_name}：兹将${who}的干部人事档案材料正本${main}卷，副本${copy}卷，共${materials}份转去，请按档案目录清单查收，并将回执及时退回。`,
      sender: senderName,
    },
    receipt: {
      text: `${o.from_unit_name}：你处于${chineseDate(date)}转来${text}${who}的档案材料正本${main}卷，副本${copy}卷，共${materials}份，已全部收到。`,
      returned: !!o.receipt_at,
      signer: o.receipt_signer,
      at: receiptDay,
      source: o.receipt_source,
    },
  };
}
