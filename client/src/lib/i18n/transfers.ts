// 转递's own strings, registered when a transfer page or a transfer case panel loads: the code lists
// (statuses, reasons, kinds, methods …) translated on the client by code — the server's *Label
// fields are Chinese — and the case panel's and the confirmation dialogs' texts. `tr('panel.title')`
// is `t('transferUi.panel.title')`; `codeText('outStatus', 'sent', o.statusLabel)` falls back to the
// server's label for a code the client does not know.
import { i18n } from './index.svelte.ts';
import { paren } from '../format/punct.ts';

const zhTexts = {
  outStatus: { preparing: '整理中', approving: '待审批', sent: '已发出', returned: '被退回', receipted: '已回执', cancelled: '已撤销' },
  inStatus: { checking: '待查收', returned: '已退回', receipted: '已回执，待审核入库', stored: '已入库', cancelled: '已撤销' },
  reason: {
    transfer: '调出',
    appointment: '任职（管理权限变动）',
    retirement: '退休',
    resignation: '辞职',
    abroad: '出国（境）不归',
    dismissal: '辞退',
    contract_end: '解除（终止）聘用合同',
    expulsion: '开除',
  },
  destination: { office: '系统内管档单位', outside_office: '系统外干部人事档案工作机构', talent_service: '公共就业和人才服务机构', social_security: '户籍所在地社会保障服务机构' },
  method: { confidential: '机要交通', courier: '派专人送取' },
  kind: { original: '正本', copy: '副本' },
  channel: { mail: '系统通知接收单位', phone: '电话催问', letter: '函询', visit: '上门催问', other: '其他' },
  level: { central: '中管', provincial: '省管', municipal: '市管', county: '县管', unit: '单位管' },
  panel: {
    title: '转递单',
    status: '状态',
    counted: '核对整理的卷数、份数',
    countedNone: '尚未核对整理',
    archives: '转出的档案',
    route: '转出单位 → 接收单位',
    open: '查看转递单 {caseNo}',
    returned: '接收单位退回了档案，请按退回原因重新核对整理后再转：',
    returnLine: '{at}，{by}退回：{reason}',
    returnLineAnon: '{at} 退回：{reason}',
    paper: '纸质退回',
    reverted: '转递已撤销，任免通知 {notice} 已撤回：干部的单位、职务和管理权限已恢复为{from}，见变更记录。',
    kept: '转递已撤销，但任免通知 {notice} 登记后，干部的单位、职务或管理权限又有变动，系统未予恢复，干部信息仍为现在登记的内容。请核实后在干部信息中更正。',
  },
  confirm: {
    receiptTitle: '确认登记纸质回执',
    receiptBody: '登记回执后案件办结，档案状态改为“已转出”，永久移出本单位名册，不能撤销。',
    receiptFacts: '收件人：{signer}；签收日期：{date}',
    receiptGo: '登记回执',
    returnTitle: '确认登记退回',
    returnBody: '登记退回后案件回到“核对整理”，档案重新在库，须重新核对整理、审批后再转出。',
    returnFacts: '退回原因：{reason}',
    returnGo: '登记退回',
  },
};

type Shape<T> = { [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

const enTexts: Shape<typeof zhTexts> = {
  outStatus: { preparing: 'Being prepared', approving: 'Awaiting approval', sent: 'Sent', returned: 'Returned as defective', receipted: 'Receipt returned', cancelled: 'Cancelled' },
  inStatus: { checking: 'To be checked', returned: 'Sent back as defective', receipted: 'Receipt signed; review pending', stored: 'Stored', cancelled: 'Cancelled' },
  reason: {
    transfer: 'Moved to another unit',
    appointment: 'Appointment (change of authority)',
    retirement: 'Retirement',
    resignation: 'Resignation',
    abroad: 'Stayed abroad',
    dismissal: 'Dismissal',
    contract_end: 'Contract ended',
    expulsion: 'Expelled from public office',
  },
  destination: {
    office: 'Archive office in Dangan',
    outside_office: 'Archive office outside Dangan',
    talent_service: 'Public employment and talent service',
    social_security: 'Social-security office of the household registration',
  },
  method: { confidential: 'Confidential courier service', courier: 'Named couriers' },
  kind: { original: 'Original', copy: 'Copy' },
  channel: { mail: 'Notice to the receiving office', phone: 'Telephone', letter: 'Letter', visit: 'Visit', other: 'Other' },
  level: { central: 'Central', provincial: 'Provincial', municipal: 'Municipal', county: 'County', unit: 'Unit' },
  panel: {
    title: 'Transfer order',
    status: 'Status',
    counted: 'Volumes and materials counted',
    countedNone: 'Not yet prepared',
    archives: 'Archives transferred',
    route: 'From → to',
    open: 'Open transfer order {caseNo}',
    returned: 'The receiving office sent the archive back; prepare it again as the reason says before it is re-sent:',
    returnLine: '{at}, returned by {by}: {reason}',
    returnLineAnon: '{at}, returned: {reason}',
    paper: 'returned on paper',
    reverted: 'The transfer was cancelled and the notice {notice} taken back: the cadre’s unit, post and management level are again {from}; see the change history.',
    kept: 'The transfer was cancelled, but the cadre’s unit, post or management level changed again after the notice {notice}; nothing was put back: the record stays as it is now. Check it and correct the cadre’s record.',
  },
  confirm: {
    receiptTitle: 'Record the paper receipt?',
    receiptBody: 'The case closes, the archive becomes “transferred” and leaves this office’s roster for good. This cannot be undone.',
    receiptFacts: 'Signed by {signer} on {date}',
    receiptGo: 'Record receipt',
    returnTitle: 'Record the return?',
    returnBody: 'The case goes back to preparation and the archive is in stock again: it must be prepared and approved again before it is re-sent.',
    returnFacts: 'Reason: {reason}',
    returnGo: 'Record return',
  },
};

i18n.register('transferUi', { zh: zhTexts, en: enTexts });

type Leaves<T, P extends string = ''> = {
  [K in keyof T & string]: T[K] extends string ? `${P}${K}` : Leaves<T[K], `${P}${K}.`>;
}[keyof T & string];
export type TransferKey = Leaves<Pick<typeof zhTexts, 'panel' | 'confirm'>>;
export type CodeList = Exclude<keyof typeof zhTexts, 'panel' | 'confirm'>;

export const tr = (key: TransferKey, params?: Record<string, string | number>): string => i18n.tx(`transferUi.${key}`, params);

/** A code's words in the current language; the server's (Chinese) label for a code not listed here. */
export const codeText = (list: CodeList, code: string | null | undefined, fallback = ''): string =>
  code && i18n.has(`transferUi.${list}.${code}`) ? i18n.tx(`transferUi.${list}.${code}`) : fallback || (code ?? '');

/** A position as a position change names it: unit, post, and the management level in brackets. */
export const positionText = (p: { unitName: string; post: string | null; managementLevel: string; managementLevelLabel: string }): string =>
  `${[p.unitName, p.post].filter(Boolean).join(' ')}${paren(i18n.locale, codeText('level', p.managementLevel, p.managementLevelLabel))}`;
