// What a 413 says in the user's language when the server names its limit (details.maxBytes): 文件太大，
// 上限为 20 MB. A module of its own (words and numbers only, no browser state), so it is tested as is.
import { zh } from '../i18n/zh.ts';
import { en } from '../i18n/en.ts';
import { fill } from '../i18n/fill.ts';

/** A limit in bytes as the server's message writes it: MB (one decimal at most) from 1 MB, else KB. */
export const limitSize = (bytes: number): string =>
  bytes >= 1048576 ? `${Math.round((bytes / 1048576) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;

export function payloadLimitText(locale: 'zh' | 'en', maxBytes: number): string {
  return fill((locale === 'zh' ? zh : en).errors.payloadLimit, { size: limitSize(maxBytes) });
}
