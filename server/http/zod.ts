// zod with the OpenAPI extension applied once; every schema imports `z` from here.
import { z } from 'zod';
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';

extendZodWithOpenApi(z);

export { z };

/** Path ids: positive integers or UUIDs, nothing else reaches a query. */
export const intId = z.coerce.number().int().positive();
export const uuid = z.string().uuid();
export const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD');
export const errorSchema = z
  .object({ code: z.string(), message: z.string(), details: z.unknown().optional() })
  .openapi('Error');
