// Input and output shapes of the people API (login, own password, own authenticator).
import { z } from '../http/zod.ts';

export const loginBody = z
  .object({
    username: z.string().min(1).max(64),
    password: z.string().min(1).max(200),
    totp: z
      .string()
      .regex(/^\d{6}$/, '须为六位数字 / six digits')
      .optional(),
  })
  .strict()
  .openapi('LoginRequest');

/** An org unit as other answers name it. */
export const orgUnitRef = z.object({ id: z.number().int(), name: z.string(), code: z.string() });

export const meSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    orgUnit: orgUnitRef,
    roles: z.array(z.string()),
    language: z.string().openapi({ description: 'zh or en: the language of my mails, and of the screens on a browser where I have not picked one since' }),
    email: z.string().nullable().openapi({ description: 'Where my mails go (the system administrator records it); null: none' }),
    mustChangePassword: z
      .boolean()
      .openapi({ description: 'While true, every route but me, logout, password and TOTP enrolment answers 403 PASSWORD_CHANGE_REQUIRED' }),
    mustEnrollTotp: z
      .boolean()
      .openapi({ description: 'While true, every route but me, logout, password and TOTP enrolment answers 403 TOTP_ENROLMENT_REQUIRED' }),
  })
  .openapi('Me');

export const LANGUAGES = ['zh', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const languageBody = z
  .object({ language: z.enum(LANGUAGES) })
  .strict()
  .openapi('LanguageChange');

export const changePasswordBody = z
  .object({
    currentPassword: z.string().min(1).max(200),
    newPassword: z.string().min(1).max(128),
  })
  .strict()
  .openapi('ChangePasswordRequest');

export const totpSetupResult = z
  .object({
    secret: z.string().openapi({ description: 'Base32 secret to type into the authenticator' }),
    otpauthUri: z.string().openapi({ description: 'otpauth:// URI for a QR code' }),
  })
  .openapi('TotpSetup');

export const totpConfirmBody = z
  .object({ code: z.string().regex(/^\d{6}$/, '须为六位数字 / six digits') })
  .strict()
  .openapi('TotpConfirmRequest');
