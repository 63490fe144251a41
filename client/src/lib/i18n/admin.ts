// The process administrator's strings (流程管理, 运行监控), registered when an admin page loads:
// they ride in the admin pages' chunk, not in the entry every user downloads. `ta('ops.title')`
// is `t('admin.ops.title')`, typed by admin.zh.ts (admin.en.ts has the same keys).
import { i18n } from './index.svelte.ts';
import { adminZh } from './admin.zh.ts';
import { adminEn } from './admin.en.ts';

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type AdminKey = Leaves<typeof adminZh>;

i18n.register('admin', { zh: adminZh, en: adminEn });

export const ta = (key: AdminKey, params?: Record<string, string | number>): string => i18n.tx(`admin.${key}`, params);
