// What of a request's categories can be read on screen: per category, the current materials and
// the page images on file. 电子查阅 shows page images and nothing else, so a category without any
// cannot be read electronically — 《条例》第二十三条 (DOMAIN.md §1.4 "Digital archives"): a 干部人事数字档案
// is the image produced by scanning, and digital archives are used under the paper rules; DOMAIN.md
// §6.1 step 6: electronic use grants per-category access to those images. The start check refuses an
// electronic request none of whose categories has a page image, the chief's approval refuses
// granting a category without one, and the grant itself keeps only the categories that still have
// page images (a grant of nothing readable never happens).
import type { Q } from '../db.ts';
import { errors } from '../errors.ts';
import { categoryCovered } from '../access/rules.ts';
import * as catalog from '../archives/catalog-store.ts';
import { categoriesFailingScanCheck } from '../quality/facts.ts';

export interface CategoryScans {
  code: string;
  numeral: string;
  name: string;
  /** current catalogue rows in the category (its sub-categories included) */
  materials: number;
  /** of them, how many have at least one page image */
  scannedMaterials: number;
  /** page images on file for the category */
  scannedPages: number;
}

type Categories = Awaited<ReturnType<typeof catalog.listCategories>>;

/** Per requested code, in the order asked: '4' counts 4-1 … 4-4. `all`: the categories, when already read. */
export async function categoryScans(q: Q, archiveId: number, codes: string[], all?: Categories): Promise<CategoryScans[]> {
  all ??= await catalog.listCategories(q);
  const covered = all.filter((c) => categoryCovered(codes, c.code)).map((c) => c.code);
  const materials = covered.length ? await catalog.currentMaterials(q, archiveId, covered) : [];
  const pages = await catalog.pageCounts(q, materials.map((m) => m.id));
  return codes.map((code) => {
    const c = all.find((x) => x.code === code);
    const mine = materials.filter((m) => categoryCovered([code], m.category_code));
    const counts = mine.map((m) => pages.get(m.id) ?? 0);
    return {
      code,
      numeral: c?.numeral ?? code,
      name: c?.name ?? code,
      materials: mine.length,
      scannedMaterials: counts.filter((n) => n > 0).length,
      scannedPages: counts.reduce((a, b) => a + b, 0),
    };
  });
}

const label = (c: CategoryScans) => `${c.numeral}、${c.name}`;

/** The start check: an electronic request needs page images in at least one requested category. */
export async function checkElectronicReadable(q: Q, archiveId: number, categories: string[]): Promise<CategoryScans[]> {
  const scans = await categoryScans(q, archiveId, categories);
  if (!scans.some((c) => c.scannedPages > 0)) {
    throw errors.rule(
      'electronic-not-digitised',
      '所申请类别的档案材料尚未数字化，不能电子查阅，请改为到档案室查阅 / The requested categories are not digitised: ask to read them on site',
      { field: 'mode', categories },
    );
  }
  // 扫描质检 (server/quality/facts.ts): scans failing their newest check are not the paper record.
  const failing = await categoriesFailingScanCheck(q, archiveId, categories);
  if (failing.length) throw scansFailing(scans.filter((c) => failing.includes(c.code)), 'categories');
  return scans;
}

/** A category holding a material whose scans fail 扫描质检 is not read on screen until it is rescanned. */
const scansFailing = (failing: CategoryScans[], field: string) =>
  errors.rule(
    'electronic-scans-failing',
    `以下类别的扫描件未通过扫描质检，暂不能电子查阅：${failing.map(label).join('；')}。请去掉这些类别或改为到档案室查阅 / The scans of these categories fail the scan check and cannot be read on screen: ${failing.map((c) => c.code).join(', ')} — leave them out or read on site`,
    { field, categories: failing.map((c) => c.code) },
  );

/**
 * The chief's categories for an electronic viewing: each must have page images. Left empty (the
 * form's "as requested"), the requested categories that have page images; none at all refuses.
 */
/**
 * Of these categories, those read on screen now: with page images, none of them failing
 * 扫描质检 (server/quality/facts.ts); with each category's scans and the failing ones.
 */
export async function readableCategories(q: Q, archiveId: number, codes: string[]) {
  const scans = await categoryScans(q, archiveId, codes);
  const failing = await categoriesFailingScanCheck(q, archiveId, codes);
  return { scans, failing, readable: scans.filter((c) => c.scannedPages > 0 && !failing.includes(c.code)).map((c) => c.code) };
}

export async function electronicGrantable(q: Q, archiveId: number, requested: string[], chosen: string[] | null): Promise<string[]> {
  // A failing category is not granted; "as requested" leaves it out.
  const { scans, failing, readable } = await readableCategories(q, archiveId, chosen ?? requested);
  if (failing.length && (chosen || scans.every((c) => failing.includes(c.code) || c.scannedPages === 0))) {
    throw scansFailing(scans.filter((c) => failing.includes(c.code)), 'grantedCategories');
  }
  if (!readable.length) {
    throw errors.rule(
      'electronic-not-digitised',
      '准予查阅的类别均无数字化档案材料，电子查阅将无可查阅的内容：请不予同意，由申请单位改为到档案室查阅 / None of the categories has page images, so an electronic viewing would show nothing: reject it and let the applicants ask to read on site',
      { field: 'grantedCategories', categories: scans.map((c) => c.code) },
    );
  }
  const missing = scans.filter((c) => c.scannedPages === 0);
  if (chosen && missing.length) {
    throw errors.rule(
      'granted-not-digitised',
      `以下类别尚未数字化，不能准予电子查阅，请取消选择：${missing.map(label).join('；')} / Not digitised, so not grantable for electronic viewing — leave them out: ${missing.map((c) => c.code).join(', ')}`,
      { field: 'grantedCategories', categories: missing.map((c) => c.code) },
    );
  }
  return readable;
}
