// Domain errors with a stable `code` and an HTTP status. The HTTP layer turns them into
// {code, message, details}; the client translates by code. Anything else is a logged 500.

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

export const errors = {
  validation: (details: unknown, message = 'Invalid input') => new AppError(400, 'VALIDATION_FAILED', message, details),
  unauthenticated: (message = 'Login required') => new AppError(401, 'UNAUTHENTICATED', message),
  loginFailed: () => new AppError(401, 'LOGIN_FAILED', 'Wrong username or password, or the account is locked'),
  totpRequired: () => new AppError(401, 'TOTP_REQUIRED', 'A one-time code from the authenticator is required'),
  forbidden: (message = 'Not allowed') => new AppError(403, 'FORBIDDEN', message),
  notCandidate: () => new AppError(403, 'NOT_CANDIDATE', 'You are not a candidate for this task'),
  /** Out of scope answers the same as absent (DESIGN.md "People, scope and access"). */
  notFound: (what = 'Resource') => new AppError(404, 'NOT_FOUND', `${what} not found`),
  taskNotOpen: (status: string) => new AppError(409, 'TASK_NOT_OPEN', `The task is not open (status: ${status})`),
  conflict: (code: string, message: string, details?: unknown) => new AppError(409, code, message, details),
  bpmnInvalid: (details: unknown) => new AppError(422, 'BPMN_INVALID', 'The diagram cannot be deployed', details),
  /** An edited form-js schema uses what Dangan cannot render or check; details: [{formKey, where, message}]. */
  formInvalid: (details: unknown) => new AppError(422, 'FORM_INVALID', '表单无法使用 / A form cannot be used', details),
  /** A rule of the field was broken; `rule` names it so the user sees which. */
  rule: (rule: string, message: string, details?: Record<string, unknown>) =>
    new AppError(422, 'RULE_VIOLATION', message, { rule, ...details }),
  payloadTooLarge: () => new AppError(413, 'PAYLOAD_TOO_LARGE', 'Request body too large'),
  unsupportedMedia: () => new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', 'Send JSON (application/json)'),
  foreignOrigin: () => new AppError(403, 'FOREIGN_ORIGIN', 'Cross-site request refused'),
  rateLimited: () => new AppError(429, 'RATE_LIMITED', '尝试过于频繁，请稍后再试 / Too many attempts; wait a moment'),
  /** The session may only change its password (initial or expired password) until it does. */
  passwordChangeRequired: () =>
    new AppError(403, 'PASSWORD_CHANGE_REQUIRED', '请先修改密码 / Change your password first'),
  /** The session may only enrol a TOTP authenticator until it does. */
  totpEnrolmentRequired: () =>
    new AppError(403, 'TOTP_ENROLMENT_REQUIRED', '请先绑定动态口令 / Enrol an authenticator first'),
  /** Each broken rule of the password policy is one entry of details. */
  passwordPolicy: (details: Array<{ rule: string; message: string; [k: string]: unknown }>) =>
    new AppError(400, 'PASSWORD_POLICY', '新密码不符合密码策略 / The new password breaks the password policy', details),
  currentPasswordWrong: () => new AppError(400, 'CURRENT_PASSWORD_WRONG', '当前密码不正确 / The current password is wrong'),
  totpInvalid: () => new AppError(400, 'TOTP_INVALID', '动态口令不正确 / The one-time code is wrong'),
};
