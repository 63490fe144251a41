// 信息更正 for people and processes: registers the engine services of correction.bpmn (process.ts)
// and answers the correction records over HTTP — the case with its item, old and new value, the
// values on record, the evidence table, basis materials, opinions, reply number and the filed
// 认定表 — scoped to the archive office that holds the 正本 and the leaders above it, audited.
import path from 'node:path';
import type { Q } from '../db.ts';
import { parseJson } from '../db.ts';
import { errors } from '../errors.ts';
import type { EngineHooks, ServiceRegistry } from '../engine/types.ts';
import { iso } from '../clock.ts';
import type { SessionUser } from '../people/sessions.ts';
import * as cadreStore from '../archives/store.ts';
import { readableCases } from '../workflow/scope.ts';
import { namesOf } from '../materials/store.ts';
import { ITEMS, loadEvidenceMap, type Item } from './evidence.ts';
import { correctionServices, idBirthDateDiffering, type CorrectionDeps } from './process.ts';
import * as store from './store.ts';
import type { CorrectionRow, CorrectionStatus } from './store.ts';

const STATUSES: Record<CorrectionStatus, string> = { open: '调查核实', investigated: '待认定', proposed: '待审批', approved: '已更正', rejected: '不予更正', withdrawn: '已撤回' };
const TRIGGERS: Record<string, string> = { intake: '材料接收审核发现', transfer_review: '转入审核发现', pre_appointment: '任前审核', special_review: '专项审核', cadre_request: '干部本人申请' };

export class CorrectionsService {
  private readonly deps: CorrectionDeps;

  constructor(base: Omit<CorrectionDeps, 'evidence'>, processesDir: string) {
    this.deps = { ...base, evidence: loadEvidenceMap(base.config.corrections.evidenceFile ?? path.join(processesDir, 'correction-evidence.json')) };
  }

  register(registry: ServiceRegistry, hooks: EngineHooks): void {
    for (const [name, fn] of Object.entries(correctionServices(this.deps))) registry.register(name, fn);
    // A case withdrawn before anyone decided (or terminated) is no longer under way: a new case on
    // the same item may open.
    hooks.on('instanceEnded', async (trx, ev) => {
      if (ev.status !== 'terminated' || ev.processKey !== 'correction') return;
      const c = await store.correctionOfInstance(trx, ev.instanceId);
      if (c && ['open', 'investigated', 'proposed'].includes(c.status)) {
        await store.updateCorrection(trx, c.id, { status: 'withdrawn', updated_at: iso(this.deps.clock.now()) });
      }
    });
  }

  private async scope(q: Q, user: SessionUser) {
    return { custodianOrgIds: await this.deps.access.custodianOffices(q, user), excludedCadreIds: await this.deps.access.excludedCadreIds(q, user.id) };
  }

  async list(user: SessionUser, f: { status?: CorrectionStatus; cadreId?: number; item?: Item; limit: number; offset: number }) {
    const { total, rows } = await store.listCorrections(this.deps.db, { ...(await this.scope(this.deps.db, user)), ...f }, f);
    const readable = await readableCases(this.deps.db, user, rows.map((r) => r.instance_id));
    return {
      total,
      items: rows.map((r) => ({
        id: r.id,
        caseNo: r.case_no,
        instanceId: r.instance_id,
        cadre: { id: r.cadre_id, name: r.cadre_name },
        item: r.item,
        itemLabel: ITEMS[r.item as Item]?.zh ?? r.item,
        oldValue: r.old_value,
        newValue: r.new_value ?? r.proposed_value,
        status: r.status,
        statusLabel: STATUSES[r.status],
        openedAt: r.opened_at,
        effectiveAt: r.effective_at,
        filedSeqNo: r.filed_seq_no,
        caseReadable: readable.has(r.instance_id),
      })),
    };
  }

  private async record(q: Q, c: CorrectionRow) {
    // One after another: q is the audit transaction (one connection; pg refuses overlapping queries).
    const evidence = await store.evidenceOf(q, c.id);
    const cadre = await cadreStore.findCadre(q, c.cadre_id);
    const users = await namesOf(q, 'users', [c.opened_by, c.chief_id, c.authority_id]);
    const history = c.history_id ? await q('cadre_field_history').where({ id: c.history_id }).first() : undefined;
    const user = (id: number | null) => (id ? { id, name: users.get(id) ?? '' } : null);
    const item = c.item as Item;
    return {
      id: c.id,
      caseNo: c.case_no,
      instanceId: c.instance_id,
      cadre: { id: c.cadre_id, name: cadre?.name ?? '' },
      archiveId: c.archive_id,
      item: c.item,
      itemLabel: ITEMS[item]?.zh ?? c.item,
      field: c.field,
      oldValue: c.old_value,
      proposedValue: c.proposed_value,
      newValue: c.new_value,
      currentValue: c.field && cadre ? ((cadre as unknown as Record<string, string | null>)[c.field] ?? null) : null,
      idNumberBirthDate: cadre ? idBirthDateDiffering(item, c.new_value ?? c.proposed_value, cadre) : null,
      recordedValues: parseJson<Array<{ value: string; seqNos: string[] }>>(c.recorded_values, []),
      trigger: c.trigger,
      triggerLabel: TRIGGERS[c.trigger] ?? c.trigger,
      reason: c.reason,
      evidence: evidence.map((e) => ({ materialId: e.material_id, seqNo: e.seq_no, title: e.title, formedDate: e.formed_date, selfFilled: e.self_filled, defaultBasis: e.default_basis, recordedValue: e.recorded_value })),
      findings: c.findings,
      basis: parseJson<Array<{ materialId: number; seqNo: string }>>(c.basis, []),
      setAsideReason: c.set_aside_reason,
      chief: { by: user(c.chief_id), decision: c.chief_decision, opinion: c.chief_opinion, at: c.chief_at },
      authority: { by: user(c.authority_id), decision: c.authority_decision, opinion: c.authority_opinion, at: c.authority_at },
      superiorReplyNo: c.superior_reply_no,
      status: c.status,
      statusLabel: STATUSES[c.status],
      rejectedStage: c.rejected_stage,
      filedMaterial: c.filed_material_id ? { id: c.filed_material_id, seqNo: c.filed_seq_no } : null,
      history: history ? { field: history.field, version: history.version, oldValue: history.old_value, newValue: history.new_value, at: history.at } : null,
      effectiveAt: c.effective_at,
      openedBy: user(c.opened_by),
      openedAt: c.opened_at,
    };
  }

  private async read(user: SessionUser, ip: string, find: (q: Q) => Promise<CorrectionRow | undefined>, ref: string | number) {
    const out = await this.deps.db.transaction(async (trx) => {
      const c = await find(trx);
      const s = c ? await this.scope(trx, user) : null;
      const ok = !!c && !!s && s.custodianOrgIds.includes(c.custodian_org_id) && !s.excludedCadreIds.includes(c.cadre_id);
      await this.deps.audit.record(trx, { actor: user, ip, action: ok ? 'correction.view' : 'correction.view_denied', objectType: 'correction', objectId: c?.id ?? ref, outcome: ok ? 'success' : 'denied' });
      return ok ? this.record(trx, c!) : null;
    });
    if (!out) throw errors.notFound('Correction');
    return out;
  }

  get(user: SessionUser, ip: string, id: number) {
    return this.read(user, ip, (q) => store.findCorrection(q, id), id);
  }

  ofCase(user: SessionUser, ip: string, instanceId: string) {
    return this.read(user, ip, (q) => store.correctionOfInstance(q, instanceId), instanceId);
  }
}
