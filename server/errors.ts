// Domain errors with a stable `code` and an HTTP status. The HTTP layer turns them into
// {code, message, details}; the client translates by code. Anything else is a logged 500.

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    /** Headers of the answer (Retry-After of a 503). */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError;

/** Chinese names of what `errors.notFound` is told is missing (its English names, as the call sites pass them). */
const NOUN_ZH: Record<string, string> = {
  'API route': '接口',
  Archive: '档案',
  'Archive office': '档案室',
  Attachment: '附件',
  'Avoidance entry': '回避记录',
  Cadre: '干部',
  'Collection notice': '材料收集通知',
  Copy: '复制记录',
  'Copy request': '复制申请',
  Correction: '更正记录',
  'Custody range': '管档范围',
  Deadline: '督办期限',
  Deployment: '流程部署',
  'Digitisation batch': '数字化批次',
  Form: '表单',
  Job: '作业',
  Loan: '借阅记录',
  Material: '材料',
  'Material intake': '材料接收记录',
  Message: '消息',
  Page: '页面',
  Process: '流程',
  'Process instance': '案件',
  'Process version': '流程版本',
  Proposal: '流程修改提议',
  'Reading session': '阅档',
  Request: '申请',
  Resource: '资源',
  Review: '审核',
  'Review campaign': '专项审核工作',
  'Review item': '审核项',
  'Review standard version': '审核标准版本',
  Scan: '扫描件',
  'Stock check': '清点',
  Task: '任务',
  'Transfer order': '转递单',
  'Transfer slip': '转递通知单',
  User: '用户',
};

/** What a case's status is called in the Chinese half of a message (the client's status.* words). */
const STATUS_ZH: Record<string, string> = {
  running: '办理中',
  incident: '办理中（异常）',
  suspended: '已暂停',
  completed: '已办结',
  terminated: '已终止',
  absent: '不存在',
};

const TASK_STATUS_ZH: Record<string, string> = { completed: '已办理', cancelled: '已取消', 'not waiting': '未在等待' };

/** "未找到该案件 / Process instance not found"; a name missing from NOUN_ZH still reads in Chinese. */
export const notFoundMessage = (what: string): string =>
  `${NOUN_ZH[what] ? `未找到该${NOUN_ZH[what]}` : '未找到所请求的对象'} / ${what} not found`;

const TYPE_NAMES: Record<string, string> = {
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
  'image/tiff': 'TIFF',
  'text/csv': 'CSV',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'XLSX',
  'application/pdf': 'PDF',
};

/** "请上传 JPEG、PNG 或 TIFF 文件（image/jpeg, …） / Upload a JPEG, PNG or TIFF file (…)". */
export function uploadTypesText(types: string[]): string {
  const named = [...new Set(types.map((t) => TYPE_NAMES[t]).filter((n): n is string => !!n))];
  const list = types.join(', ');
  if (!named.length) return `请以下列格式上传文件：${list} / Upload the file as ${list}`;
  const zh = named.length > 1 ? `${named.slice(0, -1).join('、')} 或 ${named.at(-1)}` : named[0];
  const en = named.length > 1 ? `${named.slice(0, -1).join(', ')} or ${named.at(-1)}` : named[0];
  return `请上传 ${zh} 文件（${list}） / Upload a ${en} file (${list})`;
}

/** The top line of a VALIDATION_FAILED answer; its details name each field. */
export const INVALID_INPUT = '输入有误 / Invalid input';

export const errors = {
  validation: (details: unknown, message = INVALID_INPUT) => new AppError(400, 'VALIDATION_FAILED', message, details),
  unauthenticated: (message = '请先登录 / Login required') => new AppError(401, 'UNAUTHENTICATED', message),
  loginFailed: () => new AppError(401, 'LOGIN_FAILED', '用户名或密码错误，或账户已锁定 / Wrong username or password, or the account is locked'),
  totpRequired: () => new AppError(401, 'TOTP_REQUIRED', '请输入动态口令 / A one-time code from the authenticator is required'),
  forbidden: (message = '无权执行此操作 / Not allowed') => new AppError(403, 'FORBIDDEN', message),
  notCandidate: () => new AppError(403, 'NOT_CANDIDATE', '您不是此任务的候选办理人 / You are not a candidate for this task'),
  /** Out of scope answers the same as absent (DESIGN.md "People, scope and access"). */
  notFound: (what = 'Resource') => new AppError(404, 'NOT_FOUND', notFoundMessage(what)),
  taskNotOpen: (status: string) =>
    new AppError(409, 'TASK_NOT_OPEN', `任务${TASK_STATUS_ZH[status] ?? `状态为 ${status}`}，不能再办理 / The task is not open (status: ${status})`),
  /** The case has ended (办结, 终止) or is otherwise not in a state to take this step. */
  instanceNotActive: (status: string) =>
    new AppError(409, 'INSTANCE_NOT_ACTIVE', `案件${STATUS_ZH[status] ?? `状态为 ${status}`}，不能办理此操作 / The case is ${status}`),
  conflict: (code: string, message: string, details?: unknown) => new AppError(409, code, message, details),
  bpmnInvalid: (details: unknown) => new AppError(422, 'BPMN_INVALID', '流程图无法部署 / The diagram cannot be deployed', details),
  /** An edited form-js schema uses what Dangan cannot render or check; details: [{formKey, where, message}]. */
  formInvalid: (details: unknown) => new AppError(422, 'FORM_INVALID', '表单无法使用 / A form cannot be used', details),
  /** A rule of the field was broken; `rule` names it so the user sees which. */
  rule: (rule: string, message: string, details?: Record<string, unknown>) =>
    new AppError(422, 'RULE_VIOLATION', message, { rule, ...details }),
  /** With the limit (bytes) when known: the answer says it, in MB (KB below one MB). */
  payloadTooLarge: (maxBytes?: number) => {
    if (!maxBytes) return new AppError(413, 'PAYLOAD_TOO_LARGE', '请求内容过大 / Request body too large');
    const size = maxBytes >= 1048576 ? `${Math.round((maxBytes / 1048576) * 10) / 10} MB` : `${Math.round(maxBytes / 1024)} KB`;
    return new AppError(413, 'PAYLOAD_TOO_LARGE', `请求内容过大，上限为 ${size} / Request body too large: at most ${size}`, { maxBytes });
  },
  /** A JSON route, or an upload route naming the types it takes (uploadTypesText). */
  unsupportedMedia: (accepted?: string[]) =>
    new AppError(415, 'UNSUPPORTED_MEDIA_TYPE', accepted?.length ? uploadTypesText(accepted) : '请以 JSON 格式提交 / Send JSON (application/json)', accepted?.length ? { accepted } : undefined),
  foreignOrigin: () => new AppError(403, 'FOREIGN_ORIGIN', '拒绝跨站请求 / Cross-site request refused'),
  /**
   * Too busy for this now; nothing was done. The answer carries Retry-After (seconds), and
   * details.retryAfterSeconds for a client that reads JSON only.
   */
  busy: (code: string, message: string, retryAfterSeconds: number) =>
    new AppError(503, code, message, { retryAfterSeconds }, { 'Retry-After': String(retryAfterSeconds) }),
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
