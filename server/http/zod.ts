// zod with the OpenAPI extension applied once; every schema imports `z` from here.
import { z } from 'zod';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { bilingualIssue } from './zod-messages.ts';
import { isCalendarDay } from '../../shared/forms.ts';

extendZodWithOpenApi(z);
z.config({ localeError: bilingualIssue });

export { z };

/** Path ids: positive integers or UUIDs, nothing else reaches a query. */
export const intId = z.coerce.number().int().positive();
export const uuid = z.string().uuid();
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期应写作 YYYY-MM-DD / expected YYYY-MM-DD')
  .refine(isCalendarDay, '不是有效的日期 / not a date that exists');
/** Paging of list queries: `{...paging}` in a query object; pageQuery when that is all there is. */
export const paging = {
  offset: z.coerce.number().int().min(0).max(10_000_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
};
export const pageQuery = z.object(paging).strict();

/**
 * Invisible format characters (Unicode Cf: zero-width space and joiners, U+FEFF, bidirectional
 * controls, the soft hyphen): in a name 「王\u200b建国」 looks like 王建国 yet is another name, and a
 * title of nothing else looks blank.
 */
const INVISIBLE = /\p{Cf}/u;
export const INVISIBLE_MESSAGE = '不得含有看不见的字符（如零宽空格） / must not contain invisible characters such as zero-width spaces';

/** Whether the text holds an invisible format character (for checks outside a zod schema: the import's rows). */
export const hasInvisible = (s: string): boolean => INVISIBLE.test(s);

/** A name or a title as people read it: trimmed, min–max characters, nothing invisible in it. */
export const visibleText = (min: number, max: number) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((s) => !INVISIBLE.test(s), INVISIBLE_MESSAGE);

/** A 居民身份证 number: 17 digits and a digit or X; spaces around and a small x are forgiven (kept upper-case). */
export const idNumber = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^\d{17}[\dX]$/, '身份证号应为 18 位，末位可为 X / expected an 18-digit ID number, the last may be X');

export const errorSchema = z
  .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
  .openapi('Error');
