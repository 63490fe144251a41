// An archive and the uses approved on it, when it is transferred out (DOMAIN.md §1.3, §1.4): it leaves
// whole and promised to nobody — an approved on-site reading, loan or copy not yet finished holds back
// its preparation and its sending (`archive_in_use`, listed by case number) — and the electronic
// readings of it end when it is sent: a grant is the granting office's permission and goes with its
// custody (`archive_transferred`; server/access/rules.ts grantStillHeld is the same rule for reads).
import type { ServiceContext } from '../engine/types.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import * as accessStore from '../access/store.ts';
import { formatInstant } from '../notify/beijing.ts';
import * as notifyStore from '../notify/store.ts';
import { oneLine } from '../notify/templates.ts';
import type { TransferDeps } from './context.ts';
import * as holdings from './holdings-store.ts';
import type * as store from './store.ts';

const USE_LABELS: Record<string, { zh: string; en: string }> = {
  onsite: { zh: '现场查阅', en: 'on-site reading' },
  loan: { zh: '借阅', en: 'loan' },
  electronic: { zh: '电子查阅', en: 'electronic viewing' },
  copy: { zh: '复制', en: 'copy' },
  extract: { zh: '摘录', en: 'extract' },
};
const USE_STATUS: Record<string, { zh: string; en: string }> = {
  approved: { zh: '已批准，未办结', en: 'approved, not done' },
  on_loan: { zh: '借出未还', en: 'lent, not back' },
  overdue: { zh: '借出逾期未还', en: 'lent, overdue' },
};

/**
 * The archive leaves whole, with nothing still promised to a reader: an approved on-site reading,
 * loan or copy not yet finished must be finished (registered, taken back, copies made) — or its case
 * ended — before the archive is prepared and sent (整理, 发出). The answer lists them by case number.
 */
export async function assertNoOpenUses(ctx: ServiceContext, officeId: number, held: holdings.HeldArchive[]) {
  const uses = await holdings.openUses(ctx.trx, officeId, held.map((a) => a.id));
  if (!uses.length) return;
  const label = (u: holdings.OpenUse, lang: 'zh' | 'en') => `${u.case_no}（${USE_LABELS[u.mode ?? u.kind]?.[lang] ?? u.kind}，${USE_STATUS[u.status]?.[lang] ?? u.status}）`;
  throw errors.rule(
    'archive_in_use',
    `档案尚有未办结的利用：${uses.map((u) => label(u, 'zh')).join('、')}。须先办结（登记现场查阅，查档人员不来的登记未查阅；收回借出的档案；登记复制件）或由流程管理员终止该案件，才能转出 / The archive still has uses to finish: ${uses.map((u) => label(u, 'en')).join(', ')}. Finish them (register the reading, or record it as not held if the readers will not come; take the loan back; register the copies) or have the process administrator end the case before the transfer`,
    { uses: uses.map((u) => ({ caseNo: u.case_no, kind: u.kind, mode: u.mode, status: u.status, instanceId: u.instance_id })) },
  );
}

/**
 * The archive leaves the office: every viewing grant on it ends now (`archive_transferred`; the
 * reading room tells the reader 档案已转出，阅档已终止). The readers' cases go on to their end (the
 * reader's 结束阅档 or the window's timer), and their 查阅登记簿 entry says why the reading ended.
 */
export async function endViewingGrants(d: TransferDeps, ctx: ServiceContext, order: store.OrderRow, held: holdings.HeldArchive[]) {
  const ended = await accessStore.revokeGrantsOfArchives(ctx.trx, held.map((a) => a.id), iso(ctx.clock.now()), 'archive_transferred');
  if (!ended.length) return;
  await d.audit.record(ctx.trx, {
    actor: ctx.actor ? { id: ctx.actor.id, username: ctx.actor.username, roles: [...ctx.actor.roles], orgUnitId: ctx.actor.orgUnitId } : null,
    action: 'grant.revoke',
    objectType: 'transfer_order',
    objectId: order.id,
    orgUnitId: order.from_org_id,
    detail: { reason: 'archive_transferred', caseNo: order.case_no, grantIds: ended.map((g) => g.id) },
  });
  // Each reader is told by mail (reading_ended), not only by the reading room: their case number,
  // the office that sent the archive, when — never the cadre.
  const endedAt = formatInstant(ctx.clock.now());
  const officeName = oneLine((await notifyStore.orgName(ctx.trx, order.from_org_id)) ?? '档案室');
  for (const g of ended) {
    if (!g.instance_id) continue;
    await d.notify.notify(ctx.trx, {
      event: 'reading_ended',
      recipients: [{ userId: g.grantee_user_id }],
      vars: { caseRef: oneLine(g.case_no ?? g.instance_id, 60), endedAt, officeName },
      link: { application: g.instance_id },
      instanceId: g.instance_id,
      key: `reading_ended:${g.id}`,
    });
  }
}
