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

export const errorSchema = z
  .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
  .openapi('Error');
