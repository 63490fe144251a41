// The 用户管理 console's strings, registered when its page loads (they ride in its chunk).
// `tu('act.disable')` is `t('consoleUsers.act.disable')`, typed by console-users.zh.ts.
import { i18n } from './index.svelte.ts';
import { consoleUsersZh } from './console-users.zh.ts';
import { consoleUsersEn } from './console-users.en.ts';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type ConsoleUsersKey = Leaves<typeof consoleUsersZh>;

i18n.register('consoleUsers', { zh: consoleUsersZh, en: consoleUsersEn });

export const tu = (key: ConsoleUsersKey, params?: Record<string, string | number>): string => i18n.tx(`consoleUsers.${key}`, params);

/** A role's name in the user's language (i18n `roles.*`), the code when unknown. */
export { roleName } from '../format/roles.ts';
