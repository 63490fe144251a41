// Input and output shapes of the people API.
import { z } from '../http/zod.ts';

export const loginBody = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(200),
    totp: z
      .string()
      .regex(/^\d{6}$/, 'six digits')
      .optional(),
  })
  .strict()
  .openapi('LoginRequest');

export const meSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    orgUnit: z.object({ id: z.number().int(), name: z.string(), code: z.string() }),
    roles: z.array(z.string()),
    language: z.string(),
  })
  .openapi('Me');
