// The catalogue categories a standard's items name (十大类 and their sub-categories, codes like
// '1', '4-1', '10'), fetched once per page load, and how a code reads: "4-1 学历学位材料".
import { call } from '../../api/client.ts';
import type { ApiRoutes } from '../../api/types.ts';
import { i18n, t } from '../../i18n/index.svelte.ts';
import { categoryName } from '../../format/category-name.ts';

export type Category = ApiRoutes['GET /api/catalog-categories']['response'][number];

let cached: Promise<Category[]> | null = null;

export function catalogCategories(): Promise<Category[]> {
  if (!cached) {
    cached = call('GET /api/catalog-categories');
    cached.catch(() => (cached = null));
  }
  return cached;
}

/** "4-1 学历学位材料" ("4-1 Education and degrees" in English); a code the catalogue does not know says so. */
export function categoryLabel(code: string, all: Category[] | null): string {
  const c = all?.find((x) => x.code === code);
  if (c) return `${c.code} ${categoryName(i18n.locale, c)}`;
  return all ? t('reviewStandards.categoryUnknown', { code }) : code;
}
