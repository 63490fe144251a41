// i18n: Chinese first, English second. t('inbox.claim', {n: 3}) looks the key up in the current
// language; the language is reactive state, chosen by the user and kept in localStorage.
import { zh } from './zh.ts';
import { en } from './en.ts';

import type { Dictionary, MessageKey } from './types.ts';

export type { Dictionary, MessageKey };
export type Locale = 'zh' | 'en';

const DICTS: Record<Locale, Dictionary> = { zh, en };
const STORE_KEY = 'dangan.lang';

function lookup(dict: Dictionary, key: string): string | undefined {
  let node: unknown = dict;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : undefined;
}

class I18n {
  locale = $state<Locale>('zh');

  constructor() {
    const saved = typeof localStorage !== 'undefined' ? localStorage.getItem(STORE_KEY) : null;
    if (saved === 'zh' || saved === 'en') this.set(saved, false);
  }

  set(locale: Locale, remember = true): void {
    this.locale = locale;
    if (typeof document !== 'undefined') document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
    if (remember && typeof localStorage !== 'undefined') localStorage.setItem(STORE_KEY, locale);
  }

  /** Whether the user picked a language on this browser (else the account's preference applies). */
  get chosen(): boolean {
    return typeof localStorage !== 'undefined' && !!localStorage.getItem(STORE_KEY);
  }

  /** Adds a section of strings loaded with the pages that use it (lib/i18n/admin.ts). */
  register(section: string, dicts: Record<Locale, object>): void {
    for (const locale of Object.keys(DICTS) as Locale[]) (DICTS[locale] as Record<string, unknown>)[section] = dicts[locale];
  }

  has(key: string): boolean {
    return lookup(DICTS[this.locale], key) !== undefined;
  }

  /** A key that is not known at compile time (error codes, roles from the server). */
  tx(key: string, params?: Record<string, string | number>, fallback?: string): string {
    const text = lookup(DICTS[this.locale], key) ?? lookup(zh, key) ?? fallback ?? key;
    return params ? text.replace(/\{(\w+)\}/g, (m, k) => (k in params ? String(params[k]) : m)) : text;
  }

  t = (key: MessageKey, params?: Record<string, string | number>): string => this.tx(key, params);

  /** Server messages are written "中文 / English": show the half for the current language. */
  serverText(message: string): string {
    const i = message.indexOf(' / ');
    if (i < 0) return message;
    return this.locale === 'zh' ? message.slice(0, i) : message.slice(i + 3);
  }
}

export const i18n = new I18n();
export const t = i18n.t;
