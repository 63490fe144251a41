// The reason of an archive's status history row (档案状态记录) in the user's language. A move the
// system made (a loan, 数字化出库/回库, a transfer) comes with its reason as data (`systemReason`
// {code, params}, server/archives/status-reason.ts) and is worded here; a reason a person typed has
// none and is shown as typed (one written in both languages reads in the user's).
import { zh } from '../i18n/zh.ts';
import { en } from '../i18n/en.ts';
import { fill } from '../i18n/fill.ts';

type Locale = 'zh' | 'en';

export interface StatusReason {
  reason: string;
  systemReason: { code: string; params: Record<string, string> } | null;
}

export function statusReasonText(locale: Locale, { reason, systemReason }: StatusReason, ownText: (s: string) => string = (s) => s): string {
  const dict = locale === 'zh' ? zh : en;
  const template = systemReason ? (dict.archive.statusReasons as Record<string, string>)[systemReason.code] : undefined;
  if (!systemReason || !template) return ownText(reason);
  const p = systemReason.params;
  return fill(template, {
    ...p,
    // Codes in the params read as words: the batch's purpose, the status an archive took again.
    purpose: (dict.digitisation.purpose as Record<string, string>)[p.purpose] ?? p.purpose ?? '',
    status: (dict.codes.status as Record<string, string>)[p.status] ?? p.status ?? '',
  });
}
