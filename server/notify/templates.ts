// The messages Dangan sends: one template per event, in Chinese and English (the recipient's
// language), each with a link into the UI. Plain text only: nothing in a mail is HTML, so nothing a
// user typed can become markup. Values are case references and directory names, never record content
// (the system administrator can read the outbox, and the 三员 see no business data).

export const NOTICE_EVENTS = [
  'task_assigned',
  'task_offered',
  'task_overdue',
  'application_decided',
  'loan_due_soon',
  'loan_overdue',
  'receipt_chase',
  'handover_due',
  'transfer_due',
  'review_due',
  'campaign_due_soon',
  'copy_disposition_due',
  'task_unstaffed',
  'task_taken',
  'review_submitted',
  'review_returned',
  'review_cancelled',
  'review_unstaffed',
  'process_incident',
  'loan_lent',
  'renewal_decided',
  'reading_ended',
  'password_reset',
] as const;
export type NoticeEvent = (typeof NOTICE_EVENTS)[number];
export type MailEvent = NoticeEvent | 'digest';

/**
 * Deadline warnings of the field (DOMAIN.md §1.2–1.4), a task's own due date passed (task_overdue:
 * the one reminder the person who must act gets) and cases nobody can move: a user may get them in
 * the digest, never turn them off.
 */
export const MANDATORY_EVENTS: readonly NoticeEvent[] = ['task_overdue', 'loan_overdue', 'receipt_chase', 'handover_due', 'transfer_due', 'review_due', 'campaign_due_soon', 'task_unstaffed', 'review_unstaffed', 'process_incident', 'password_reset'];

/**
 * Sent at once even to a user who chose the daily digest: a password reset they did not ask for
 * is the moment to tell the security administrator, not tomorrow morning.
 */
export const IMMEDIATE_EVENTS: readonly NoticeEvent[] = ['password_reset'];

export type Lang = 'zh' | 'en';
export type Vars = Record<string, string>;

/** Where a message points: the client routes fixed with the UI (`/tasks/:id`, `/applications/:id`, …). */
/** `login`: the login page, for a mail that is read before one can log in (a password reset). */
export type LinkSpec = { task: string } | { application: string } | { instance: string } | { review: number } | { campaign: number } | { deadlines: true } | { inbox: true } | { login: true };

export function linkUrl(publicUrl: string, link: LinkSpec): string {
  if ('task' in link) return `${publicUrl}/tasks/${encodeURIComponent(link.task)}`;
  if ('instance' in link) return `${publicUrl}/admin/instances/${encodeURIComponent(link.instance)}`;
  if ('application' in link) return `${publicUrl}/applications/${encodeURIComponent(link.application)}`;
  if ('review' in link) return `${publicUrl}/reviews/${link.review}`;
  if ('campaign' in link) return `${publicUrl}/review-campaigns/${link.campaign}`;
  if ('deadlines' in link) return `${publicUrl}/deadlines`;
  if ('login' in link) return `${publicUrl}/login`;
  return `${publicUrl}/inbox`;
}

/** Names and labels on one line: BPMN labels carry line breaks for layout, and a name is not a paragraph. */
export const oneLine = (s: string | null | undefined, max = 200): string =>
  (s ?? '').replace(/[\s\x00-\x1f\x7f\u2028\u2029\u0085]+/g, ' ').trim().slice(0, max);

type Text = { subject: string; lines: string[] };
type Template = Record<Lang, (v: Vars) => Text>;

/** '2' → 'two months' (a limit in calendar months; mails queued before it was a variable say two). */
const monthsEn = (n: string | undefined): string => {
  const words = ['', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve'];
  const k = Number(n || '2');
  return `${words[k] ?? k} ${k === 1 ? 'month' : 'months'}`;
};

const greet = { zh: (v: Vars) => `${v.recipientName}，您好：`, en: (v: Vars) => `Dear ${v.recipientName},` };
const due = { zh: (v: Vars) => (v.dueAt ? `，请在 ${v.dueAt}（北京时间）前办理` : ''), en: (v: Vars) => (v.dueAt ? `, due by ${v.dueAt} (Beijing time)` : '') };

/**
 * What an approved 现场查阅 or 借阅 applicant does next (`nextStep`: onsite | onsite_late | loan), told
 * when the approval is given: where to go (`officeName`), on which day (`readOn`), for how long
 * (`loanDays`). Nothing about the cadre: the applicant knows whom they asked for.
 */
const nextStep = {
  zh: (v: Vars): string[] => {
    if (v.nextStep === 'onsite') return ['', `请于 ${v.readOn} 与共同申请的查档人员一同到${v.officeName}现场查阅，携带本人有效身份证件；档案管理员核验身份并全程陪同。`];
    if (v.nextStep === 'onsite_late') return ['', `拟查阅日期 ${v.readOn} 已过。请与${v.officeName}另约查阅时间，届时与共同申请的查档人员一同前往，携带本人有效身份证件；档案管理员核验身份并全程陪同。`];
    if (v.nextStep === 'onsite_not_held') return ['', `${v.officeName}登记本次现场查阅未进行（查档人员未到场或档案室取消），本申请已办结，不登记查阅登记簿。原因请登录查看；如仍需查阅，请重新提出申请。`];
    if (v.nextStep === 'loan') return ['', `请到${v.officeName}办理借出：档案管理员对照目录逐份清点、密封，由您签字领取。借阅期限 ${v.loanDays} 天，自借出之日起计算；借出时另行通知归还期限。`];
    return [];
  },
  en: (v: Vars): string[] => {
    if (v.nextStep === 'onsite') return ['', `Please come to ${v.officeName} on ${v.readOn} with your co-applicants to read the archive there, each with an identity document; an archivist checks your identities and stays with you throughout.`];
    if (v.nextStep === 'onsite_late') return ['', `The planned reading day, ${v.readOn}, has passed. Please agree another day with ${v.officeName} and come then with your co-applicants, each with an identity document; an archivist checks your identities and stays with you throughout.`];
    if (v.nextStep === 'onsite_not_held') return ['', `${v.officeName} recorded that the on-site reading did not take place (the applicants did not come, or the office cancelled it). The application is closed and nothing is entered in the reading register. Log in to read the reason; to read the archive after all, file a new application.`];
    if (v.nextStep === 'loan') return ['', `Please collect the archive at ${v.officeName}: an archivist counts it against the catalogue and seals it, and you sign for it. The loan lasts ${v.loanDays} days from the day it is lent; you are told the return date then.`];
    return [];
  },
};

/** Why nobody may work a task (`why` of task_unstaffed). */
const UNSTAFFED_WHY_ZH: Record<string, string> = {
  avoided: '担任该岗位的人员均须回避本案所涉干部',
  barred: '担任该岗位的人员均不能办理这一环节（本人或同行提出的申请、已在本案中办理过另一级审批，或须回避本案所涉干部）',
  vacant: '该单位目前没有担任该岗位的在职人员',
  assignee_gone: '指定的办理人账号已停用',
  assignee_unentitled: '指定的办理人已不再担任任何可办理业务的角色',
  assignee_avoids: '指定的办理人须回避本案所涉干部，不能再办理',
};
const UNSTAFFED_WHY_EN: Record<string, string> = {
  avoided: 'everyone holding that role must avoid the cadre the case concerns',
  barred: 'nobody holding that role may work this step (it is their own or a co-applied request, they already worked another level of approval of this case, or they must avoid the cadre the case concerns)',
  vacant: 'nobody active in that unit holds that role',
  assignee_gone: 'the account of the person it was assigned to is disabled',
  assignee_unentitled: 'the person it was assigned to no longer holds any role that works tasks',
  assignee_avoids: 'the person it was assigned to must avoid the cadre the case concerns and may not work it any more',
};
/** What to do about it: who can give the role, or for a person the process named, get them back. */
const UNSTAFFED_ASK_ZH: Record<string, string> = {
  avoided: '请商请安全保密管理员为该单位另一名工作人员授予该岗位，由其办理。',
  barred: '请商请安全保密管理员为该单位另一名工作人员授予该岗位，由其办理。',
  vacant: '请商请安全保密管理员为该单位的工作人员授予该岗位，由其办理。',
  assignee_gone: '流程指定由此人办理：请商请系统管理员重新启用其账号，或在运行监控中取消该案件。',
  assignee_unentitled: '流程指定由此人办理，不能转办：请商请安全保密管理员恢复其业务角色，或在运行监控中取消该案件。',
  assignee_avoids: '流程指定由此人办理，不能转办他人：请在运行监控中取消该案件。',
};
const UNSTAFFED_ASK_EN: Record<string, string> = {
  avoided: 'Please ask the security administrator to give the role to another member of that unit, who can then work it.',
  barred: 'Please ask the security administrator to give the role to another member of that unit, who can then work it.',
  vacant: 'Please ask the security administrator to give the role to a member of that unit, who can then work it.',
  assignee_gone: 'The process names this person: ask the system administrator to enable their account again, or cancel the case in Operations.',
  assignee_unentitled: 'The process names this person, so the task cannot be handed on: ask the security administrator to give them a business role back, or cancel the case in Operations.',
  assignee_avoids: 'The process names this person, so the task cannot be handed on to anyone else: please cancel the case in Operations.',
};

/**
 * To the chief of the office holding the archive, when a leaders' step (auth_leader) has nobody
 * (`audience: custodian`): why no leader may take it, and what the office can do.
 */
const LEADERLESS_WHY_ZH: Record<string, string> = {
  avoided: '无可办理的领导：担任该岗位的领导均需回避本案所涉干部',
  barred: '无可办理的领导：担任该岗位的领导均需回避（须回避本案所涉干部，或已在本案中办理过另一级审批、为本人或同行提出的申请）',
  vacant: '无可办理的领导：该单位目前没有在职的领导担任该岗位',
};
const LEADERLESS_WHY_EN: Record<string, string> = {
  avoided: 'no leader may take it: every leader holding that role must avoid the cadre the case concerns',
  barred: 'no leader may take it: every leader holding that role must stand aside (they must avoid the cadre the case concerns, already worked another level of approval of this case, or it is their own or a co-applied request)',
  vacant: 'no leader may take it: nobody active in that unit holds that role',
};
const LEADERLESS_ASK_ZH = (v: Vars) =>
  `该档案由${v.officeName}保管。请协调由其他有干部管理权限、无需回避的领导办理（请安全保密管理员为其授予该岗位后，由流程管理员转办给他），或报上级组织部门处理；在此之前案件不会继续。`;
const LEADERLESS_ASK_EN = (v: Vars) =>
  `${v.officeName} holds the archive. Please arrange for another leader with authority over the cadre who need not stand aside to work it (the security administrator gives them the role, then the process administrator hands the step to them), or refer it to the organisation department above; the case does not move until then.`;

const OUTCOME_ZH: Record<string, string> = { approved: '已批准', rejected: '未获批准', terminated: '已终止', completed: '已办结', not_read: '已办结（未查阅）' };
const OUTCOME_EN: Record<string, string> = { approved: 'approved', rejected: 'not approved', terminated: 'terminated', completed: 'completed', not_read: 'closed without a reading' };

export const TEMPLATES: Record<NoticeEvent, Template> = {
  password_reset: {
    zh: (v) => ({
      subject: '【档案】您的登录密码已被重置',
      lines: [
        greet.zh(v),
        '',
        `您的账号 ${v.username} 的登录密码已于 ${v.resetAt}（北京时间）由系统管理员${v.byName}重置。原密码已失效，您已登录的会话均已结束。`,
        '新的初始密码由系统管理员另行交给您：请在您本人的计算机上登录，并按提示立即设置新密码（在系统管理员的计算机上不能用它登录）。',
        '如果您没有申请重置密码，或登录时发现密码已被他人修改，请立即告知安全保密管理员和安全审计员。',
      ],
    }),
    en: (v) => ({
      subject: '[Dangan] Your password was reset',
      lines: [
        greet.en(v),
        '',
        `The password of your account ${v.username} was reset by the system administrator ${v.byName} at ${v.resetAt} (Beijing time). Your old password no longer works, and your sessions have ended.`,
        'The system administrator gives you the new initial password separately: log in from your own computer and set a new password at once, as asked (it does not work from the administrator\'s computer).',
        'If you did not ask for this, or you find at login that someone else has changed your password, tell the security administrator and the security auditor at once.',
      ],
    }),
  },
  task_assigned: {
    zh: (v) => ({
      subject: `【档案】新的待办：${v.taskName}（${v.caseRef}）`,
      lines: [greet.zh(v), '', `“${v.processName}”（编号 ${v.caseRef}）中的“${v.taskName}”已交由您办理${due.zh(v)}。`],
    }),
    en: (v) => ({
      subject: `[Dangan] New task: ${v.taskName} (${v.caseRef})`,
      lines: [greet.en(v), '', `The step "${v.taskName}" of "${v.processName}" (case ${v.caseRef}) is assigned to you${due.en(v)}.`],
    }),
  },
  task_offered: {
    zh: (v) => ({
      subject: `【档案】待认领：${v.taskName}（${v.caseRef}）`,
      lines: [greet.zh(v), '', `“${v.processName}”（编号 ${v.caseRef}）中的“${v.taskName}”已提交给您单位的${v.roleName}${due.zh(v)}。请登录认领并办理。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Task for your role: ${v.taskName} (${v.caseRef})`,
      lines: [greet.en(v), '', `The step "${v.taskName}" of "${v.processName}" (case ${v.caseRef}) is offered to the ${v.roleName} of your unit${due.en(v)}. Log in to claim it.`],
    }),
  },
  task_overdue: {
    zh: (v) => ({
      subject: `【档案】待办已逾期：${v.taskName}（${v.caseRef}）`,
      lines: [
        greet.zh(v),
        '',
        v.roleName
          ? `“${v.processName}”（编号 ${v.caseRef}）中提交给您单位${v.roleName}的“${v.taskName}”应于 ${v.dueAt}（北京时间）前办理，现已逾期，尚无人认领。请尽快登录认领并办理。`
          : `“${v.processName}”（编号 ${v.caseRef}）中由您办理的“${v.taskName}”应于 ${v.dueAt}（北京时间）前办理，现已逾期。请尽快办理。`,
      ],
    }),
    en: (v) => ({
      subject: `[Dangan] Task overdue: ${v.taskName} (${v.caseRef})`,
      lines: [
        greet.en(v),
        '',
        v.roleName
          ? `The step "${v.taskName}" of "${v.processName}" (case ${v.caseRef}), offered to the ${v.roleName} of your unit, was due by ${v.dueAt} (Beijing time) and is overdue; nobody has claimed it yet. Please log in, claim it and work it soon.`
          : `The step "${v.taskName}" of "${v.processName}" (case ${v.caseRef}), which you hold, was due by ${v.dueAt} (Beijing time) and is overdue. Please work it soon.`,
      ],
    }),
  },
  application_decided: {
    zh: (v) => ({
      subject: `【档案】您的申请${OUTCOME_ZH[v.outcome] ?? '已办结'}：${v.processName}（${v.caseRef}）`,
      lines: [greet.zh(v), '', `您提交的“${v.processName}”（编号 ${v.caseRef}）${OUTCOME_ZH[v.outcome] ?? '已办结'}。审批意见请登录查看。`, ...nextStep.zh(v)],
    }),
    en: (v) => ({
      subject: `[Dangan] Your application was ${OUTCOME_EN[v.outcome] ?? 'completed'}: ${v.processName} (${v.caseRef})`,
      lines: [greet.en(v), '', `Your application "${v.processName}" (case ${v.caseRef}) was ${OUTCOME_EN[v.outcome] ?? 'completed'}. Log in to read the opinions.`, ...nextStep.en(v)],
    }),
  },
  loan_due_soon: {
    zh: (v) => ({
      subject: `【档案】借阅档案将于 ${v.dueAt} 到期（${v.caseRef}）`,
      lines: [greet.zh(v), '', `您借阅的干部人事档案（编号 ${v.caseRef}）应于 ${v.dueAt}（北京时间）前归还档案室，归还时当面核对。如需续借，请在到期前重新申请审批。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Borrowed archive due ${v.dueAt} (${v.caseRef})`,
      lines: [greet.en(v), '', `The archive you borrowed (case ${v.caseRef}) must be back at the archive office by ${v.dueAt} (Beijing time), where it is checked with you. To keep it longer, ask for a renewal before it is due.`],
    }),
  },
  loan_overdue: {
    zh: (v) => ({
      subject: `【档案】借阅档案已逾期：${v.borrowerName}（${v.caseRef}）`,
      lines: [greet.zh(v), '', `${v.borrowerOrg}${v.borrowerName}借阅的干部人事档案（编号 ${v.caseRef}）应于 ${v.dueAt}（北京时间）归还，现已逾期，请督促其立即归还。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Borrowed archive overdue: ${v.borrowerName} (${v.caseRef})`,
      lines: [greet.en(v), '', `The archive borrowed by ${v.borrowerName} of ${v.borrowerOrg} (case ${v.caseRef}) was due on ${v.dueAt} (Beijing time) and is overdue. Please see that it is returned at once.`],
    }),
  },
  receipt_chase: {
    zh: (v) => ({
      subject: `【档案】催退回执：${v.fromOrg}转递的档案（${v.caseRef}）`,
      lines: [greet.zh(v), '', `${v.fromOrg}于 ${v.sentAt} 转递的干部人事档案（转递单 ${v.caseRef}）尚未收到回执。请核收后在回执上签名盖章，立即退回。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Receipt outstanding: archive transferred by ${v.fromOrg} (${v.caseRef})`,
      lines: [greet.en(v), '', `${v.fromOrg} sent an archive on ${v.sentAt} (transfer ${v.caseRef}) and has no receipt yet. Please check it in, sign and seal the receipt, and return it at once.`],
    }),
  },
  handover_due: {
    zh: (v) => ({
      subject: `【档案】材料移交期限：${v.dueAt} 前（${v.caseRef}）`,
      lines: [greet.zh(v), '', `您单位形成的干部人事档案材料（编号 ${v.caseRef}）应在形成后1个月内、即 ${v.dueAt} 前移交干部人事档案工作机构（《干部人事档案工作条例》第二十条）。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Material hand-over due by ${v.dueAt} (${v.caseRef})`,
      lines: [greet.en(v), '', `Archive material formed by your unit (case ${v.caseRef}) must be handed to the archive office within one month of its formation, by ${v.dueAt} (Beijing time) (Regulations art. 20).`],
    }),
  },
  transfer_due: {
    zh: (v) => ({
      subject: `【档案】档案转递期限：${v.dueAt} 前（${v.caseRef}）`,
      lines: [greet.zh(v), '', `管理权限变动后，干部人事档案（编号 ${v.caseRef}）应在${v.months || '2'}个月内、即 ${v.dueAt} 前完成核对整理和转递（《干部人事档案工作条例》第二十五条）。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Archive transfer due by ${v.dueAt} (${v.caseRef})`,
      lines: [greet.en(v), '', `After the change of authority, the archive (case ${v.caseRef}) must be checked and transferred within ${monthsEn(v.months)}, by ${v.dueAt} (Beijing time) (Regulations art. 25).`],
    }),
  },
  review_due: {
    zh: (v) => ({
      subject: `【档案】转入档案审核入库期限：${v.dueAt} 前（${v.caseRef}）`,
      lines: [greet.zh(v), '', `接收的干部人事档案（编号 ${v.caseRef}）应在接收之日起${v.months || '2'}个月内、即 ${v.dueAt} 前完成审核入库（《干部人事档案工作条例》第二十五条）。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Review of a received archive due by ${v.dueAt} (${v.caseRef})`,
      lines: [greet.en(v), '', `The archive received (case ${v.caseRef}) must be reviewed and shelved within ${monthsEn(v.months)} of receipt, by ${v.dueAt} (Beijing time) (Regulations art. 25).`],
    }),
  },
  // A 专项审核工作 nears its due day with archives not yet confirmed (reviews/campaign-reminders.ts).
  // `campaign` is its 督办 subject in the reader's language (deadlines/subjects.ts).
  campaign_due_soon: {
    zh: (v) => ({
      subject: `【档案】专项审核工作将于 ${v.dueDate} 到期：${v.campaign}`,
      lines: [
        greet.zh(v),
        '',
        `${v.officeName}的“${v.campaign}”应于 ${v.dueDate} 前完成，还有 ${v.pending} 份档案的审核未认定（未开始 ${v.notStarted} 份，审核中 ${v.drafts} 份，待复核 ${v.submitted} 份）。请督促审核人员按期完成，并及时认定已提交的审核。`,
      ],
    }),
    en: (v) => ({
      subject: `[Dangan] Review campaign due ${v.dueDate}: ${v.campaign}`,
      lines: [
        greet.en(v),
        '',
        `"${v.campaign}" of ${v.officeName} is due by ${v.dueDate}, and ${v.pending} of its archives are not confirmed yet (${v.notStarted} not started, ${v.drafts} under review, ${v.submitted} awaiting your confirmation). Please see that the reviews are finished in time, and confirm those submitted.`,
      ],
    }),
  },
  review_submitted: {
    zh: (v) => ({
      subject: `【档案】专项审核待认定：档案 ${v.caseRef}`,
      lines: [greet.zh(v), '', `${v.reviewerName} 已提交档案 ${v.caseRef} 的专项审核，请登录复核并认定（合格或不合格），或退回修改。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Archive review to confirm: archive ${v.caseRef}`,
      lines: [greet.en(v), '', `${v.reviewerName} has submitted the review of archive ${v.caseRef}. Log in to confirm it (passed or failed) or send it back.`],
    }),
  },
  review_returned: {
    zh: (v) => ({
      subject: `【档案】专项审核被退回：档案 ${v.caseRef}`,
      lines: [greet.zh(v), '', `您提交的档案 ${v.caseRef} 专项审核已由 ${v.chiefName} 退回，请登录查看退回原因并修改后重新提交。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Archive review sent back: archive ${v.caseRef}`,
      lines: [greet.en(v), '', `${v.chiefName} has sent back your review of archive ${v.caseRef}. Log in to read why, then mend and submit it again.`],
    }),
  },
  review_cancelled: {
    zh: (v) => ({
      subject: `【档案】专项审核被撤销：档案 ${v.caseRef}`,
      lines: [greet.zh(v), '', `您正在进行的档案 ${v.caseRef} 专项审核已由 ${v.chiefName} 撤销。请登录查看撤销原因；如该档案仍需审核，可重新开始。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Archive review withdrawn: archive ${v.caseRef}`,
      lines: [greet.en(v), '', `${v.chiefName} has withdrawn your review of archive ${v.caseRef}, which was under way. Log in to read why; start a new review if the archive is still to be reviewed.`],
    }),
  },
  process_incident: {
    zh: (v) => ({
      subject: `【档案】流程故障：${v.processName}（${v.caseRef}）`,
      lines: [
        greet.zh(v),
        '',
        v.trigger === 'job'
          ? `“${v.processName}”（编号 ${v.caseRef}）在“${v.stepName}”处出错：定时到期后流程自动执行这一步时失败，已多次重试，案件停在这里（不涉及任何人的办理）。`
          : `“${v.processName}”（编号 ${v.caseRef}）在“${v.stepName}”处出错：流程图的这一步无法执行，办理人的操作未能生效，案件停在这里。`,
        '请在运行监控中查看该案件的故障详情；可在流程管理中修改流程图并部署新版本（已在办的案件仍按原版本运行），必要时转办或取消该案件。',
      ],
    }),
    en: (v) => ({
      subject: `[Dangan] Process incident: ${v.processName} (${v.caseRef})`,
      lines: [
        greet.en(v),
        '',
        v.trigger === 'job'
          ? `"${v.processName}" (case ${v.caseRef}) failed at "${v.stepName}": when a timer fired, the process could not run this step on its own, even after retries, and the case waits there (no one's action was involved).`
          : `"${v.processName}" (case ${v.caseRef}) failed at "${v.stepName}": the diagram cannot run this step, the action taken on the case was not saved, and the case waits there.`,
        'Please see the incident on the case in process monitoring; mend the diagram and deploy a new version in process administration (running cases stay on their version), and hand on or cancel the case if need be.',
      ],
    }),
  },
  review_unstaffed: {
    zh: (v) => ({
      subject: `【档案】专项审核无人可认定：档案 ${v.caseRef}`,
      lines: [
        greet.zh(v),
        '',
        `档案 ${v.caseRef} 的专项审核已提交，应由${v.orgName}的档案室负责人认定，但担任该岗位的人员均为审核人本人或须回避该档案所涉干部（或该室没有档案室负责人），审核因此停在“待复核”。`,
        '请商请安全保密管理员为该室另一名工作人员授予档案室负责人岗位，由其认定；审核人也可撤回提交。',
      ],
    }),
    en: (v) => ({
      subject: `[Dangan] Nobody may confirm an archive review: archive ${v.caseRef}`,
      lines: [
        greet.en(v),
        '',
        `The review of archive ${v.caseRef} has been submitted and falls to the archive chief of ${v.orgName} to confirm, but everyone holding that role is its reviewer or must avoid the cadre the archive concerns (or the office has no chief), so the review waits awaiting confirmation.`,
        'Please ask the security administrator to give the archive chief role to another member of that office, who can then confirm it; the reviewer may also take the submission back.',
      ],
    }),
  },
  copy_disposition_due: {
    zh: (v) => ({
      subject: `【档案】请报告复制件的处置情况（${v.caseRef}）`,
      lines: [greet.zh(v), '', `您单位于 ${v.certifiedAt} 取得的干部人事档案复制件（编号 ${v.caseRef}，共 ${v.copyCount} 份）用后应由使用单位存档或登记销毁。请登录报告处置情况。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Please report what became of the archive copies (${v.caseRef})`,
      lines: [greet.en(v), '', `The ${v.copyCount} certified copies your unit received on ${v.certifiedAt} (case ${v.caseRef}) must be filed by the using unit or destroyed on record after use. Log in to report which.`],
    }),
  },
  loan_lent: {
    zh: (v) => ({
      subject: `【档案】档案已借出，请于 ${v.dueAt} 前归还（${v.caseRef}）`,
      lines: [greet.zh(v), '', `您借阅的干部人事档案（编号 ${v.caseRef}）已于 ${v.lentAt} 借出，请于 ${v.dueAt}（北京时间）前归还${v.officeName}，归还时当面核对。如需续借，请在到期前登录申请。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Archive lent to you, due back by ${v.dueAt} (${v.caseRef})`,
      lines: [greet.en(v), '', `The archive you borrowed (case ${v.caseRef}) was lent to you on ${v.lentAt}. Please bring it back to ${v.officeName} by ${v.dueAt} (Beijing time), where it is checked with you. To keep it longer, log in and ask for a renewal before it is due.`],
    }),
  },
  // An electronic reading ended early because the archive was sent to another office (transfers/uses.ts).
  reading_ended: {
    zh: (v) => ({
      subject: `【档案】电子查阅已终止：档案已转出（${v.caseRef}）`,
      lines: [greet.zh(v), '', `您经批准的电子查阅（编号 ${v.caseRef}）所涉档案已于 ${v.endedAt}（北京时间）由${v.officeName}转出，查阅权限随之收回，阅档室不能再查看该档案。如仍需查阅，请向现保管该档案的档案室重新申请。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Electronic reading ended: the archive was transferred (${v.caseRef})`,
      lines: [greet.en(v), '', `The archive of your approved electronic reading (case ${v.caseRef}) was sent away by ${v.officeName} on ${v.endedAt} (Beijing time). Your access ended with it, and the reading room no longer shows that archive. To read it after all, apply to the archive office that now holds it.`],
    }),
  },
  renewal_decided: {
    zh: (v) =>
      v.outcome === 'granted'
        ? {
            subject: `【档案】续借已批准，新的归还期限 ${v.dueAt}（${v.caseRef}）`,
            lines: [greet.zh(v), '', `您借阅的干部人事档案（编号 ${v.caseRef}）续借已批准，新的归还期限为 ${v.dueAt}（北京时间），请按期归还${v.officeName}。`],
          }
        : {
            subject: `【档案】续借未获批准，请于 ${v.dueAt} 前归还（${v.caseRef}）`,
            lines: [greet.zh(v), '', `您借阅的干部人事档案（编号 ${v.caseRef}）续借未获批准，归还期限仍为 ${v.dueAt}（北京时间），请按期归还${v.officeName}。审批意见请登录查看。`],
          },
    en: (v) =>
      v.outcome === 'granted'
        ? {
            subject: `[Dangan] Renewal granted, now due back by ${v.dueAt} (${v.caseRef})`,
            lines: [greet.en(v), '', `The renewal of the archive you borrowed (case ${v.caseRef}) was granted. It is now due back at ${v.officeName} by ${v.dueAt} (Beijing time).`],
          }
        : {
            subject: `[Dangan] Renewal not granted, due back by ${v.dueAt} (${v.caseRef})`,
            lines: [greet.en(v), '', `The renewal of the archive you borrowed (case ${v.caseRef}) was not granted. It is still due back at ${v.officeName} by ${v.dueAt} (Beijing time). Log in to read the opinions.`],
          },
  },
  task_taken: {
    zh: (v) => ({
      subject: `【档案】待办已转办：${v.taskName}（${v.caseRef}）`,
      lines: [greet.zh(v), '', `您名下“${v.processName}”（编号 ${v.caseRef}）中的“${v.taskName}”已由${v.byName}转交${v.toName}办理，您无需再办理。`],
    }),
    en: (v) => ({
      subject: `[Dangan] Task handed on: ${v.taskName} (${v.caseRef})`,
      lines: [greet.en(v), '', `The step "${v.taskName}" of "${v.processName}" (case ${v.caseRef}), which you held, was handed to ${v.toName} by ${v.byName}. You need not work it any more.`],
    }),
  },
  task_unstaffed: {
    zh: (v) =>
      v.audience === 'custodian'
        ? {
            subject: `【档案】无可办理的领导：${v.taskName}（${v.caseRef}）`,
            lines: [
              greet.zh(v),
              '',
              `“${v.processName}”（编号 ${v.caseRef}）中的“${v.taskName}”应由${v.orgName}的${v.roleName}办理，但${LEADERLESS_WHY_ZH[v.why] ?? LEADERLESS_WHY_ZH.avoided}，案件因此停在这一步。`,
              LEADERLESS_ASK_ZH(v),
            ],
          }
        : {
            subject: `【档案】待办无人可办：${v.taskName}（${v.caseRef}）`,
            lines: [
              greet.zh(v),
              '',
              `“${v.processName}”（编号 ${v.caseRef}）中的“${v.taskName}”应由${v.orgName}的${v.roleName}办理，但${UNSTAFFED_WHY_ZH[v.why] ?? UNSTAFFED_WHY_ZH.avoided}，案件因此停在这一步。`,
              UNSTAFFED_ASK_ZH[v.why] ?? UNSTAFFED_ASK_ZH.avoided,
            ],
          },
    en: (v) =>
      v.audience === 'custodian'
        ? {
            subject: `[Dangan] No leader may take a step: ${v.taskName} (${v.caseRef})`,
            lines: [
              greet.en(v),
              '',
              `The step "${v.taskName}" of "${v.processName}" (case ${v.caseRef}) falls to the ${v.roleName} of ${v.orgName}, but ${LEADERLESS_WHY_EN[v.why] ?? LEADERLESS_WHY_EN.avoided}, so the case waits at this step.`,
              LEADERLESS_ASK_EN(v),
            ],
          }
        : {
            subject: `[Dangan] Nobody may work a task: ${v.taskName} (${v.caseRef})`,
            lines: [
              greet.en(v),
              '',
              `The step "${v.taskName}" of "${v.processName}" (case ${v.caseRef}) falls to the ${v.roleName} of ${v.orgName}, but ${UNSTAFFED_WHY_EN[v.why] ?? UNSTAFFED_WHY_EN.avoided}, so the case waits at this step.`,
              UNSTAFFED_ASK_EN[v.why] ?? UNSTAFFED_ASK_EN.avoided,
            ],
          },
  },
};

const FOOTER = {
  zh: (url: string) => ['', `办理入口：${url}`, '', '此邮件由干部人事档案管理系统自动发送，请勿回复。'],
  en: (url: string) => ['', `Open: ${url}`, '', 'Sent automatically by Dangan; please do not reply.'],
};

export function render(event: NoticeEvent, lang: Lang, vars: Vars, url: string): { subject: string; body: string } {
  const text = TEMPLATES[event][lang](vars);
  return { subject: text.subject, body: [...text.lines, ...FOOTER[lang](url)].join('\n') };
}

/** The daily digest: one line per held message, each with its own link. */
export function renderDigest(
  lang: Lang,
  recipientName: string,
  day: string,
  items: Array<{ subject: string; link: string }>,
  inboxUrl: string,
): { subject: string; body: string } {
  const list = items.flatMap((m, i) => [`${i + 1}. ${m.subject}`, `   ${m.link}`]);
  if (lang === 'en') {
    return {
      subject: `[Dangan] Daily digest ${day}: ${items.length} notice(s)`,
      body: [greet.en({ recipientName }), '', `Your notices of the past day:`, '', ...list, ...FOOTER.en(inboxUrl)].join('\n'),
    };
  }
  return {
    subject: `【档案】每日通知汇总 ${day}（${items.length} 条）`,
    body: [greet.zh({ recipientName }), '', '以下是您近一日的通知：', '', ...list, ...FOOTER.zh(inboxUrl)].join('\n'),
  };
}
