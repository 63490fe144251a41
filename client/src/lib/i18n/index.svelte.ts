// i18n: Chinese first, English second. t('inbox.claim', {n: 3}) looks the key up in the current
// language; the language is reactive state, chosen by the user and kept in localStorage. While
// logged in, the account's language (users.language, which mails follow) and this browser's agree:
// the session sends a pick to the account (onPick) and applies the account's at login (adopt).
import { zh } from './zh.ts';
import { en } from './en.ts';
import { fill } from './fill.ts';

import type { Dictionary, MessageKey } from './types.ts';

export type { Dictionary, MessageKey };
export type Locale = 'zh' | 'en';

const DICTS: Record<Locale, Dictionary> = { zh, en };
const STORE_KEY = 'dangan.lang';
/** Set while the stored language is the account's (taken from it or sent to it). */
const ACCOUNT_KEY = 'dangan.lang.account';
const storage = (): Storage | null => (typeof localStorage !== 'undefined' ? localStorage : null);

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

  /** Told of every language the user picks (remember = true); the session sends it to the account. */
  onPick: ((locale: Locale) => void) | null = null;

  set(locale: Locale, remember = true): void {
    this.locale = locale;
    if (typeof document !== 'undefined') document.documentElement.lang = locale === 'zh' ? 'zh-CN' : 'en';
    if (!remember) return;
    storage()?.setItem(STORE_KEY, locale);
    storage()?.removeItem(ACCOUNT_KEY);
    this.onPick?.(locale);
  }

  /** The account's language: shown now, and kept as this browser's (the login page shows it next). */
  adopt(locale: Locale): void {
    this.set(locale, false);
    storage()?.setItem(STORE_KEY, locale);
    this.accountHasIt();
  }

  /** The account now has the language shown (the session sent it). */
  accountHasIt(): void {
    storage()?.setItem(ACCOUNT_KEY, '1');
  }

  /** Whether the user picked a language on this browser (else the account's preference applies). */
  get chosen(): boolean {
    return !!storage()?.getItem(STORE_KEY);
  }

  /**
   * A language picked on this browser that the account has not got: picked on the login page, or
   * before accounts had a language of their own. At login it goes to the account; a language the
   * account gave this browser, or got from it, gives way to the account's (changed elsewhere since).
   */
  get unsent(): boolean {
    return this.chosen && !storage()?.getItem(ACCOUNT_KEY);
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
    return params ? fill(text, params) : text;
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
