// Input and output shapes of the administrators' consoles.
import { z, intId, idNumber, paging, visibleText } from '../http/zod.ts';
export { pageQuery } from '../http/zod.ts';
import { ALL_ROLES } from '../http/policy.ts';
import { MEDIA } from './backup.ts';
import { orgUnitRef } from '../people/schema.ts';

export const idParams = z.object({ id: intId }).strict();

export const userListQuery = z
  .object({
    q: z.string().trim().min(1).max(64).optional().openapi({ description: 'Part of the username or display name' }),
    role: z.enum(ALL_ROLES).optional(),
    ...paging,
  })
  .strict();

export const accountSchema = z
  .object({
    id: z.number().int(),
    username: z.string(),
    displayName: z.string(),
    orgUnit: orgUnitRef,
    roles: z.array(z.string()),
    email: z.string().nullable(),
    disabled: z.boolean(),
    locked: z.boolean(),
    lockedUntil: z.string().nullable(),
    mustChangePassword: z.boolean(),
    totpEnrolled: z.boolean(),
    lastLoginAt: z.string().nullable(),
    createdAt: z.string(),
    isDemo: z.boolean(),
    cadreIdNumber: z
      .string()
      .nullable()
      .optional()
      .openapi({
        description:
          'The ID number of the cadre the account is, masked (150302********000X); null when not linked. Never the name. Only in the security administrator’s answers: the system administrator is not told which accounts are cadres (absent).',
      }),
  })
  .openapi('Account');

export const accountPage = z.object({ items: z.array(accountSchema), total: z.number().int() });

export const createUserBody = z
  .object({
    username: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_.-]{2,31}$/, '3–32 个字母、数字或 _.-，以字母开头 / 3–32 letters, digits or _.-, starting with a letter'),
    displayName: visibleText(1, 100),
    orgUnitId: intId,
    email: z.string().email().max(200).nullish(),
  })
  .strict()
  .openapi('CreateUserRequest');

/** The system administrator's correction of an account's mail address; null removes it. The mail domain is checked by the service (MAIL_ALLOWED_DOMAINS). */
export const emailBody = z
  .object({
    email: z
      .string()
      .trim()
      .max(200, '邮箱地址最长 200 个字符 / At most 200 characters')
      .email('邮箱地址格式不正确 / Not a mail address')
      .nullable(),
  })
  .strict()
  .openapi('SetEmailRequest');

export const initialPasswordResult = z
  .object({
    user: accountSchema,
    initialPassword: z.string().openapi({ description: 'Shown once; the user must change it at the first login' }),
  })
  .openapi('AccountWithInitialPassword');

export const rolesBody = z
  .object({ roles: z.array(z.enum(ALL_ROLES)).max(ALL_ROLES.length) })
  .strict()
  .openapi('SetRolesRequest');

const CADRE_BY_ID_NUMBER = '请按身份证号指定干部，不接受干部编号 / Name the cadre by ID number (cadreIdNumber); cadreId is not accepted';

/**
 * Why an account is linked to a cadre, or unlinked: the link decides which archives the user may
 * no longer read (their own, their relatives'), so it is as accountable as an avoidance entry and
 * takes its bounds (server/access/routes.ts): 2–200 characters to link, 2–500 to lift.
 */
const linkReason = z
  .string({ error: '请填写关联干部的原因 / Give the reason for the link' })
  .trim()
  .min(2, '关联原因至少 2 个字 / The reason needs at least 2 characters')
  .max(200, '关联原因最多 200 个字 / The reason may have at most 200 characters');
const unlinkReason = z
  .string({ error: '请填写解除关联的原因 / Give the reason for lifting the link' })
  .trim()
  .min(2, '解除关联的原因至少 2 个字 / The reason needs at least 2 characters')
  .max(500, '解除关联的原因最多 500 个字 / The reason may have at most 500 characters');

/** The cadre an account is, by 居民身份证 number only (as an avoidance entry names one), and why. */
export const cadreLinkBody = z
  .strictObject(
    { cadreIdNumber: idNumber, reason: linkReason },
    { error: (iss) => (iss.code === 'unrecognized_keys' && iss.keys.includes('cadreId') ? CADRE_BY_ID_NUMBER : undefined) },
  )
  .openapi('LinkCadreRequest');

export const cadreUnlinkBody = z.strictObject({ reason: unlinkReason }).openapi('UnlinkCadreRequest');

export const orgUnitBody = z.object({ orgUnitId: intId }).strict().openapi('SetOrgUnitRequest');

export const roleSchema = z.object({ code: z.string(), nameZh: z.string(), nameEn: z.string(), kind: z.string() });

export const orgUnitSchema = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  kind: z.string(),
  parentId: z.number().int().nullable(),
  path: z.string(),
  isCustodian: z.boolean(),
});

export const backupBody = z
  .object({ medium: z.enum(MEDIA).default('disk').openapi({ description: 'Where the copy is going (the ledger records it)' }) })
  .strict();

export const backupSchema = z
  .object({
    id: z.number().int(),
    at: z.string(),
    kind: z.string(),
    medium: z.string(),
    operator: z.string(),
    path: z.string(),
    size: z.number().int(),
    sha256: z.string(),
    files: z.number().int(),
    auditSeq: z.number().int(),
  })
  .openapi('Backup');

/** A line of the ledger: a backup made (outcome success, as Backup) or one that failed (no copy: its code and reason instead). */
export const ledgerEntrySchema = z
  .object({
    outcome: z.enum(['success', 'failure']),
    id: z.number().int(),
    at: z.string(),
    kind: z.string().nullable(),
    medium: z.string(),
    operator: z.string(),
    path: z.string().nullable(),
    size: z.number().int().nullable(),
    sha256: z.string().nullable(),
    files: z.number().int().nullable(),
    auditSeq: z.number().int().nullable(),
    code: z.string().nullable().openapi({ description: 'Why it failed, as an error code the console translates (DATABASE_BUSY, BACKUP_FOLDER_NOT_EMPTY, BACKUP_FAILED …)' }),
    reason: z.string().nullable().openapi({ description: 'Why it failed as the operator was told, "中文 / English"' }),
  })
  .openapi('BackupLedgerEntry');

export const systemInfoSchema = z.object({ siteName: z.string(), loginNotice: z.string() }).openapi('SystemInfo');
