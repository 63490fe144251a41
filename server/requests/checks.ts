// The start checks of a request to use an archive (DOMAIN.md §1.4, §6.1 step 2, §7 validation
// rules), shared by 查阅/借阅 and 复制/摘录. Each broken rule is a named errors.rule (422
// RULE_VIOLATION, details.rule), thrown inside the start command so that nothing is written.
//
// The target is named as on the paper form — name and 身份证号 — and resolved here by exact match.
// Applicants cannot search cadres, and a wrong pair must teach them nothing: an unknown ID number, a
// name that does not go with it, and a cadre whose archive no office holds in stock all answer the
// same 'target-not-held' (a right pair whose archive is away adds which state, see NOT_HELD).
import type { Q } from '../db.ts';
import { parseJson } from '../db.ts';
import { errors } from '../errors.ts';
import type { AccessRules } from '../access/rules.ts';
import * as people from '../people/store.ts';
import * as cadreStore from '../archives/store.ts';
import * as archiveStore from '../archives/archive-store.ts';
import * as catalog from '../archives/catalog-store.ts';
import type { ArchiveRow } from '../archives/archive-store.ts';
import type { CadreRow } from '../archives/store.ts';
import { iso } from '../clock.ts';
import type { Actor, ServiceContext } from '../engine/types.ts';
import { caseNumber } from '../shared/sequences.ts';
import * as store from './store.ts';
import type { RequestRow } from './store.ts';

/** 《条例》第三十一条 items 1–7, and 8: 干部本人及亲属合法权益代查 (DOMAIN.md §1.4). */
export const PURPOSES: Record<string, string> = {
  '1': '政治审查、发展党员、党员教育、党员管理',
  '2': '干部录用、聘用、考核、考察、任免、调配、职级晋升等',
  '3': '人才引进、培养、评选、推送',
  '4': '巡视巡察、选人用人检查、组织处理、纪律审查等',
  '5': '编史修志、人物传记、展览、纪念活动',
  '6': '干部日常管理中熟悉了解干部',
  '7': '其他因工作需要利用的事项',
  '8': '干部本人及亲属合法权益代查',
};

/**
 * An archive is in an office's holdings for use when it is in stock or could be lent from the
 * shelf (离退, 死亡): not while it is out on loan, being digitised or transferred, or gone.
 */
export const USABLE_STATUSES = ['in_stock', 'retired', 'deceased'];

/** At most this many people on one request (the form is a list of colleagues, not a mailing list). */
export const MAX_APPLICANTS = 10;

export interface Applicant {
  id: number;
  name: string;
  isInitiator: boolean;
}

export interface Target {
  cadre: CadreRow;
  archive: ArchiveRow;
  custodianOrgId: number;
  /** The unit above the archive office: its auth_leader holds 干部管理权限 (the leader's step). */
  leaderOrgId: number;
}

const str = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

export function checkPurpose(purpose: unknown): string {
  const p = str(purpose);
  if (!PURPOSES[p]) {
    throw errors.rule('purpose', '利用目的须为《条例》第三十一条所列事项或干部本人及亲属合法权益代查 / The purpose must be one of the items of article 31, or a lawful-rights enquiry for the cadre or relatives', { field: 'purpose', purpose: p });
  }
  return p;
}

/** Category codes that exist and are in use (the category tree is data, not an enum). */
export async function checkCategories(q: Q, value: unknown): Promise<string[]> {
  const list = Array.isArray(value) ? value.map(String) : [];
  const active = new Set((await catalog.listCategories(q)).filter((c) => c.active).map((c) => c.code));
  const bad = list.filter((c) => !active.has(c));
  if (!list.length || bad.length) {
    throw errors.rule('categories', `查阅类别无效：${bad.join('、') || '（未选择）'} / Unknown or retired categories: ${bad.join(', ') || '(none chosen)'}`, { field: 'categories', categories: bad });
  }
  return [...new Set(list)];
}

/**
 * The initiator plus co-applicants: active users of the initiator's own unit who hold the applicant
 * role; at least two distinct people (查(借)阅 by two or more, DOMAIN.md §1.4).
 */
export async function checkApplicants(q: Q, initiatorId: number, coApplicants: unknown): Promise<Applicant[]> {
  const initiator = await people.findUser(q, initiatorId);
  if (!initiator) throw errors.rule('co-applicants', '申请人不存在 / Unknown applicant');
  const raw = Array.isArray(coApplicants) ? coApplicants : [];
  const ids: number[] = [];
  for (const v of raw) {
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0 || String(v).trim() !== String(n)) {
      throw errors.rule('co-applicant-eligible', '同行查档人员须从本单位查档人员中选择 / Co-applicants are chosen from the applicants of your unit', { field: 'coApplicants', value: String(v).slice(0, 20) });
    }
    if (n !== initiatorId && !ids.includes(n)) ids.push(n);
  }
  if (ids.length + 1 > MAX_APPLICANTS) {
    throw errors.rule('applicants-max', `查档人员不得超过 ${MAX_APPLICANTS} 人 / At most ${MAX_APPLICANTS} applicants`, { field: 'coApplicants', max: MAX_APPLICANTS });
  }
  const out: Applicant[] = [{ id: initiator.id, name: initiator.display_name, isInitiator: true }];
  for (const id of ids) {
    const u = await people.findUser(q, id);
    const ok = !!u && !u.disabled && u.org_unit_id === initiator.org_unit_id && (await people.rolesOf(q, id)).includes('applicant');
    if (!ok) {
      throw errors.rule('co-applicant-eligible', '同行查档人员须为本单位在岗的查档人员 / Each co-applicant must be an active applicant of your own unit', { field: 'coApplicants', userId: id });
    }
    out.push({ id, name: u!.display_name, isInitiator: false });
  }
  if (out.length < 2) {
    throw errors.rule('applicants-min-two', '查(借)阅须由两名以上查档人员共同办理 / At least two applicants are required', { field: 'coApplicants', count: out.length });
  }
  return out;
}

// One answer for every miss (no such cadre, a name that differs, no office holding the archive, an
// archive away for now: 借出, 数字化中, 转出中), so that a pair tells nothing about whose archive exists
// nor what becomes of it: 借出 often means the cadre is being examined (拟提拔考察), 转出中 a move not yet
// announced. The message names the causes to check together; the state itself is shown only to the
// staff of the office that holds the archive (its 档案 page, in their scope).
const NOT_HELD = () =>
  errors.rule(
    'target-not-held',
    '没有可供利用的在库干部档案：请核对姓名和身份证号；档案借出、数字化中、转递中时暂不能申请 / No archive available for use: check the name and ID number; an archive out on loan, being digitised or being transferred cannot be requested meanwhile',
  );

/** Name + 身份证号 → the cadre and the archive an office holds for use (正本 first). */
export async function resolveTarget(q: Q, name: unknown, idNumber: unknown): Promise<Target> {
  const n = str(name).replace(/\s+/g, '');
  const id = str(idNumber).toUpperCase();
  if (!n || !/^\d{17}[\dX]$/.test(id)) throw NOT_HELD();
  const cadre = await cadreStore.findCadreByIdNumber(q, id);
  if (!cadre || cadre.name !== n) throw NOT_HELD();
  const usable: Array<{ archive: ArchiveRow; office: people.OrgUnitRow }> = [];
  for (const archive of await archiveStore.archivesOfCadre(q, cadre.id)) {
    const office = await people.findOrgUnit(q, archive.custodian_org_id);
    if (!office?.is_custodian) continue;
    if (USABLE_STATUSES.includes(archive.status)) usable.push({ archive, office });
  }
  const pick = usable.find((u) => u.archive.kind === 'original') ?? usable[0];
  if (!pick) throw NOT_HELD();
  return { cadre, archive: pick.archive, custodianOrgId: pick.office.id, leaderOrgId: pick.office.parent_id ?? pick.office.id };
}

/**
 * Nobody on the request may be the cadre, a relative of the cadre, or have the cadre on their
 * avoidance list. The answer says whether it concerns the initiator or a co-applicant, and never
 * which avoidance entry: the list is the security administrator's.
 */
export async function checkRelations(q: Q, access: AccessRules, applicants: Applicant[], cadreId: number): Promise<void> {
  for (const a of applicants) {
    const relation = await access.relationTo(q, a.id, cadreId);
    if (!relation) continue;
    const who = a.isInitiator ? 'initiator' : 'co-applicant';
    if (relation === 'self') throw errors.rule('applicant-is-target', '查档人员不得查阅本人档案 / No applicant may consult their own archive', { applicant: who });
    if (relation === 'relative') throw errors.rule('applicant-is-relative', '查档人员不得查阅亲属的档案 / No applicant may consult a relative’s archive', { applicant: who });
    throw errors.rule('applicant-avoidance', '查档人员中有人须回避该干部的档案 / One of the applicants must avoid this cadre’s archive', { applicant: who });
  }
}

/** 序号 as written on the catalogue: 1-3, 4-1-2, 10-1. */
export const SEQ_NO = /^(?:[1-9]|10)(?:-[1-9]\d?){1,2}$/;

/**
 * Copy/extract materials named in advance by 序号: each in the archive's current catalogue. The
 * answer does not say which ones are missing (an applicant may not read the catalogue yet).
 */
export async function checkMaterials(q: Q, archiveId: number, value: unknown) {
  const list = Array.isArray(value) ? [...new Set(value.map((v) => str(v)))] : [];
  if (!list.length || list.some((s) => !SEQ_NO.test(s))) {
    throw errors.rule('material-numbers', '材料须按序号逐份列明（如 4-1-3） / List each material by its catalogue number, e.g. 4-1-3', { field: 'materials', count: list.length });
  }
  const current = await catalog.currentMaterials(q, archiveId);
  const bySeq = new Map(current.map((m) => [m.seq_no, m]));
  if (list.some((s) => !bySeq.has(s))) {
    throw errors.rule('materials-not-in-catalogue', '所列材料序号有的不在该干部的档案目录中 / Some of the listed numbers are not in the cadre’s catalogue', { field: 'materials', count: list.length });
  }
  return list.map((s) => {
    const m = bySeq.get(s)!;
    return { seqNo: s, materialId: m.id, title: m.title, pages: m.pages };
  });
}

/** The names a form's read-out shows for ids (FormReadout: `<key>Labels`). */
export const labelsOf = (applicants: Applicant[]) => Object.fromEntries(applicants.filter((a) => !a.isInitiator).map((a) => [String(a.id), a.name]));

export const jsonList = (v: string | null): string[] => parseJson<string[]>(v, []);

/** What a request's start adds on top of the rows every request has. */
type RequestSpecifics = Pick<
  RequestRow,
  'kind' | 'mode' | 'purpose' | 'categories' | 'materials' | 'copies' | 'view_from' | 'view_days' | 'loan_days'
>;

/**
 * Files a request once its start checks have passed: the case number (the case's business key),
 * the request row in review, and its applicants. Returns the process variables every request sets.
 */
export async function fileRequest(
  ctx: ServiceContext,
  input: { prefix: string; actor: Actor; applicants: Applicant[]; target: Target; reason: unknown; row: RequestSpecifics },
) {
  const { actor, applicants, target } = input;
  const now = ctx.clock.now();
  const caseNo = await caseNumber(ctx.trx, input.prefix, now);
  ctx.setBusinessKey(caseNo);
  const requestId = await store.insertRequest(ctx.trx, {
    ...input.row,
    instance_id: ctx.instanceId,
    case_no: caseNo,
    reason: str(input.reason).slice(0, 1000),
    requester_org_id: actor.orgUnitId,
    initiator_id: actor.id,
    cadre_id: target.cadre.id,
    archive_id: target.archive.id,
    custodian_org_id: target.custodianOrgId,
    management_level: target.cadre.management_level,
    granted_categories: null,
    approved_materials: null,
    window_start: null,
    window_end: null,
    route: null,
    status: 'in_review',
    created_at: iso(now),
    decided_at: null,
    closed_at: null,
  });
  await store.insertApplicants(ctx.trx, applicants.map((a) => ({ request_id: requestId, user_id: a.id, display_name: a.name, is_initiator: a.isInitiator })));
  return {
    requestId,
    caseNo,
    cadreId: target.cadre.id,
    archiveId: target.archive.id,
    custodianOrgId: target.custodianOrgId,
    managementLevel: target.cadre.management_level,
    coApplicantsLabels: labelsOf(applicants),
    // The name as the archive records it, not as typed (" 魏 坚文 " found the cadre): every reader of the case sees that.
    cadreName: target.cadre.name,
  };
}
