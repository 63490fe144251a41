// Role codes as the user's language names them, one or a list ("档案管理员、档案室负责人" /
// "Archivist, Archive office chief"). An unknown code reads as itself.
import { i18n } from '../i18n/index.svelte.ts';
import { listOf } from './punct.ts';

export const roleName = (code: string): string => i18n.tx(`roles.${code}`, undefined, code);

export const roleList = (codes: readonly string[]): string => listOf(i18n.locale, codes.map(roleName));
