// Process administration: the versions of each process, validating an edit (diagram and forms)
// with the deploy-time rules, deploying it as a new version with a change note — or, when
// DEPLOY_REQUIRES_APPROVAL is set, proposing it until ANOTHER process administrator approves —
// and the diff between versions. Every change is audited in its own transaction with the XML's
// sha256. Running cases stay on their version (the engine never moves them).
import { createHash, randomUUID } from 'node:crypto';
import type { Db, Q, Trx } from '../db.ts';
import { forUpdate } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { AppError, errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { WorkflowEngine } from '../engine/index.ts';
import type { Finding } from '../engine/lint/linter.ts';
import * as engineStore from '../engine/store.ts';
import { executableProcess } from '../engine/moddle.ts';
import { formSha } from '../engine/definitions.ts';
import type { SessionUser } from '../people/sessions.ts';
import type { FormSchema } from '../../shared/forms.ts';
import { checkFormSchema } from '../../shared/form-schema.ts';
import { diffVersions } from './diff.ts';
import * as store from './store.ts';
import type { ProposalListRow, ProposalRow } from './store.ts';

type Forms = Record<string, FormSchema>;

/** A decided proposal's state in words (an answer names it, never the stored code). */
const DECIDED: Record<string, [string, string]> = { approved: ['已批准', 'approved'], rejected: ['已驳回', 'rejected'], withdrawn: ['已撤回', 'withdrawn'] };
const retiredDto = (r: (engineStore.RetiredRow & { retired_by_name: string }) | undefined) =>
  r ? { reason: r.reason, retiredAt: r.retired_at, retiredByName: r.retired_by_name } : null;
const sha = (xml: string) => createHash('sha256').update(xml).digest('hex');
const keyChanged = (expected: string, found: string) =>
  errors.rule('process-key-changed', `流程标识不可修改（应为 ${expected}） / The process id must stay "${expected}"`, { expected, found });
const pub = (f: Finding[]) => f.map((x) => ({ rule: x.rule, elementId: x.elementId, message: x.message, category: x.category }));

export class ProcessAdminService {
  constructor(
    private readonly db: Db,
    private readonly engine: WorkflowEngine,
    private readonly audit: AuditLog,
    private readonly clock: Clock,
    private readonly requireApproval: boolean,
  ) {}

  /** What the modeler's live check needs: the same context the deploy-time lint uses. */
  async lintContext() {
    const ctx = await this.engine.lintContext(this.db);
    return { ...ctx, assignees: ctx.assignees ?? [], requireApproval: this.requireApproval };
  }

  async list() {
    const [versions, byDeployment, pending, retired] = await Promise.all([
      store.allVersions(this.db),
      store.caseCounts(this.db),
      store.pendingByKey(this.db),
      engineStore.retiredProcesses(this.db),
    ]);
    const byKey = new Map<string, store.VersionRow[]>();
    for (const v of versions) byKey.set(v.process_key, [...(byKey.get(v.process_key) ?? []), v]);
    return [...byKey.entries()].map(([key, rows]) => ({
      key,
      name: rows[0].name,
      latestVersion: rows[0].version,
      pendingProposals: pending.get(key) ?? 0,
      retired: retiredDto(retired.get(key)),
      versions: rows.map((r) => ({ ...this.summary(r), counts: byDeployment.get(r.id) ?? store.noCases() })),
    }));
  }

  /**
   * Withdraws a process from 发起申请 (停用): nobody can file a new application on it; running cases
   * go on on their versions, and cases a service starts (a transfer-in) are not affected. The
   * reason is kept and shown; reinstating (恢复) makes it startable again. Both are audited.
   */
  async retire(user: SessionUser, ip: string, key: string, reason: string) {
    await this.db.transaction(async (trx) => {
      if (!(await engineStore.latestDeploymentId(trx, key))) throw errors.notFound('Process');
      if (await engineStore.retiredProcess(trx, key)) throw errors.conflict('PROCESS_RETIRED', '该流程已停用 / The process is already withdrawn');
      await trx('retired_processes').insert({ process_key: key, reason, retired_by: user.id, retired_at: iso(this.clock.now()) });
      await this.audit.record(trx, { actor: user, ip, action: 'process.retire', objectType: 'process', objectId: key, detail: { reason } });
    });
    return this.retirement(key);
  }

  async reinstate(user: SessionUser, ip: string, key: string, reason?: string) {
    await this.db.transaction(async (trx) => {
      const was = await engineStore.retiredProcess(trx, key);
      if (!was) throw errors.conflict('PROCESS_NOT_RETIRED', '该流程未停用 / The process is not withdrawn');
      await trx('retired_processes').where({ process_key: key }).delete();
      await this.audit.record(trx, { actor: user, ip, action: 'process.reinstate', objectType: 'process', objectId: key, detail: { reason: reason ?? null, retiredAt: was.retired_at } });
    });
    return this.retirement(key);
  }

  private async retirement(key: string) {
    return { key, retired: retiredDto((await engineStore.retiredProcesses(this.db)).get(key)) };
  }

  private summary(r: store.VersionRow) {
    return { id: r.id, version: r.version, name: r.name, deployedAt: r.deployed_at, deployedByName: r.deployed_by_name, note: r.note, sha256: r.sha256 };
  }

  private async formsOf(q: Q, deploymentId: string): Promise<Forms> {
    return Object.fromEntries((await this.engine.definitions.load(q, deploymentId)).forms);
  }

  async version(key: string, version: number) {
    const row = await store.findVersion(this.db, key, version);
    if (!row) throw errors.notFound('Process version');
    const [forms, counts, latest] = await Promise.all([
      this.formsOf(this.db, row.id),
      store.caseCounts(this.db, row.id),
      engineStore.latestDeployment(this.db, key),
    ]);
    return { ...this.summary(row), key, xml: row.xml, latest: latest?.version === row.version, forms, counts: counts.get(row.id) ?? store.noCases() };
  }

  /** Problems of edited forms, each named by its form key. */
  private formFindings(forms: Forms) {
    return Object.entries(forms).flatMap(([formKey, schema]) => checkFormSchema(schema).map((f) => ({ formKey, ...f })));
  }

  async validate(xml: string, forms: Forms) {
    const result = await this.engine.definitions.validate(xml, { q: this.db, extraFormKeys: Object.keys(forms) });
    const formFindings = this.formFindings(forms);
    const errorsFound = [...result.errors];
    // What the diagram reads against the forms it would deploy with: only a diagram that passed the lint.
    if (result.ok && !formFindings.length) errorsFound.push(...(await this.engine.definitions.carriedForms(result.parsed!.rootElement, this.engine.formSource(this.db, 'previous', forms))).findings);
    return { ok: !errorsFound.length && !formFindings.length, errors: pub(errorsFound), warnings: pub(result.warnings), formFindings };
  }

  /**
   * Parse + lint + form checks; the process id of a valid diagram. Throws 422 with every finding.
   * An edit whose process id differs from the process being edited is refused as that, first: its
   * shapes still name the old id, which the parser would only call an "unresolved reference".
   */
  private async checked(q: Q, xml: string, forms: Forms, editing: string | null = null): Promise<{ key: string; name: string; warnings: Finding[] }> {
    const formFindings = this.formFindings(forms);
    if (formFindings.length) throw errors.formInvalid(formFindings);
    const result = await this.engine.definitions.validate(xml, { q, extraFormKeys: Object.keys(forms) });
    const proc = executableProcess(result.parsed?.rootElement);
    if (editing !== null && proc && proc.id !== editing) throw keyChanged(editing, proc.id);
    if (!result.ok) throw errors.bpmnInvalid(pub(result.errors));
    return { key: proc.id, name: proc.name ?? proc.id, warnings: result.warnings };
  }

  /** The process an edit names: 404 when there is none (a new process is sent with processKey null). */
  private async mustExist(q: Q, editing: string | null): Promise<void> {
    if (editing !== null && !(await engineStore.latestDeploymentId(q, editing))) {
      throw new AppError(404, 'NOT_FOUND', `流程“${editing}”不存在；新建流程请不填流程标识 / There is no process "${editing}": send processKey null for a new process`);
    }
  }

  /**
   * The edit must start from an existing version (422) that is still the latest (409); that the
   * process it names exists was checked before the lint (mustExist), and deployments are never
   * deleted. A new process may not take a key that differs from an existing one only in case.
   */
  private async checkBase(trx: Trx, key: string, editing: string | null, baseVersion: number | null): Promise<void> {
    if (editing !== null && editing !== key) throw keyChanged(editing, key);
    const latest = await forUpdate(trx, trx('process_deployments').where({ process_key: key }).orderBy('version', 'desc').first('version'));
    if (editing === null) {
      if (latest) throw errors.conflict('PROCESS_EXISTS', `流程“${key}”已存在 / A process "${key}" already exists`);
      const like = await trx('process_deployments').whereRaw('lower(process_key) = ?', [key.toLowerCase()]).first('process_key');
      if (like) {
        throw errors.conflict('PROCESS_EXISTS', `已有流程“${like.process_key}”，标识只差大小写，容易混淆，请换一个 / A process "${like.process_key}" exists: keys that differ only in case are refused`, { existing: like.process_key });
      }
      return;
    }
    if (baseVersion !== null && baseVersion > (latest?.version ?? 0)) {
      throw errors.rule('base-version', `流程“${key}”没有第 ${baseVersion} 版（最新为第 ${latest?.version} 版） / Process "${key}" has no version ${baseVersion} (the latest is ${latest?.version})`, {
        latestVersion: latest?.version ?? null,
      });
    }
    if ((latest?.version ?? null) !== baseVersion) {
      throw errors.conflict('VERSION_CONFLICT', `流程已更新为第 ${latest?.version} 版，请基于最新版本修改 / Version ${latest?.version} was deployed meanwhile: start from it`, {
        latestVersion: latest?.version ?? null,
      });
    }
  }

  /** Stores a new version with its forms (edited ones first, then those of the previous version). */
  private async deployNow(trx: Trx, user: SessionUser, ip: string, xml: string, note: string, forms: Forms, extra: Record<string, unknown> = {}) {
    const { deployment, created, warnings } = await this.engine.definitions.deploy(trx, xml, user.id, note, {
      forms: this.engine.formSource(trx, 'previous', forms),
      extraFormKeys: Object.keys(forms),
    });
    if (created) {
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'process.deploy',
        objectType: 'deployment',
        objectId: deployment.id,
        detail: { key: deployment.process_key, version: deployment.version, sha256: deployment.sha256, ...extra },
      });
    }
    return { deployment, created, warnings };
  }

  /** The modeler's deploy: a new version now, or a proposal when a second person must approve. */
  async submit(user: SessionUser, ip: string, body: { xml: string; processKey: string | null; baseVersion: number | null; note: string; forms: Forms }) {
    await this.mustExist(this.db, body.processKey);
    const { key, name, warnings } = await this.checked(this.db, body.xml, body.forms, body.processKey);
    return this.db.transaction(async (trx) => {
      await this.checkBase(trx, key, body.processKey, body.baseVersion);
      if (this.requireApproval) {
        const latest = await engineStore.latestDeployment(trx, key);
        // What approving would deploy is the latest version again (a restore of an identical
        // version, forms unchanged): refused now, not left pending until approving fails.
        if (latest?.sha256 === sha(body.xml) && (await this.latestHasForms(trx, latest.id, body.forms))) {
          throw errors.conflict('NO_CHANGES', '与当前版本相同，无需提交 / Nothing changed');
        }
        const row: ProposalRow = {
          id: randomUUID(),
          process_key: key,
          name: name.slice(0, 200),
          base_version: body.baseVersion,
          xml: body.xml,
          sha256: sha(body.xml),
          forms: JSON.stringify(body.forms),
          note: body.note,
          proposed_by: user.id,
          proposed_at: iso(this.clock.now()),
          status: 'pending',
          decided_by: null,
          decided_at: null,
          decision_note: null,
          deployment_id: null,
        };
        await store.insertProposal(trx, row);
        await this.audit.record(trx, {
          actor: user,
          ip,
          action: 'process.propose',
          objectType: 'deployment_proposal',
          objectId: row.id,
          detail: { key, baseVersion: body.baseVersion, sha256: row.sha256 },
        });
        return { outcome: 'proposed' as const, key, version: null, proposalId: row.id, warnings: pub(warnings) };
      }
      const r = await this.deployNow(trx, user, ip, body.xml, body.note, body.forms);
      if (!r.created) throw errors.conflict('NO_CHANGES', '与当前版本相同，未生成新版本 / Nothing changed: no new version');
      return { outcome: 'deployed' as const, key, version: r.deployment.version, proposalId: null, warnings: pub(r.warnings) };
    });
  }

  /** Does the version already carry each of these forms exactly (so deploying them would change nothing)? */
  private async latestHasForms(q: Q, deploymentId: string, forms: Forms): Promise<boolean> {
    const stored = new Map((await engineStore.formsOfDeployment(q, deploymentId)).map((f) => [f.form_key, f.sha256]));
    return Object.entries(forms).every(([k, schema]) => stored.get(k) === formSha(schema));
  }

  /**
   * 以此版本重新部署: version N's diagram AND its forms deployed again as the newest version (or
   * proposed, with DEPLOY_REQUIRES_APPROVAL), the way back from an edit that broke something.
   * Sending the old XML alone is not enough: an edited form carries over from the latest version.
   */
  async restore(user: SessionUser, ip: string, key: string, version: number, note: string) {
    const [row, latest] = await Promise.all([store.findVersion(this.db, key, version), engineStore.latestDeployment(this.db, key)]);
    if (!row || !latest) throw errors.notFound('Process version');
    const forms = await this.formsOf(this.db, row.id);
    const named = (await this.engine.definitions.load(this.db, row.id)).meta.formKeys;
    if (named.some((k) => !forms[k])) {
      throw errors.rule('restore-forms', `第 ${version} 版部署时表单尚未随版本保存，无法原样恢复 / Version ${version} predates versioned forms: it cannot be restored as it was`);
    }
    return this.submit(user, ip, { xml: row.xml, processKey: key, baseVersion: latest.version, note, forms });
  }

  /** POST /api/process-definitions (XML from tools): no base check; identical XML keeps its version. */
  async deployDirect(user: SessionUser, ip: string, xml: string, note?: string) {
    if (this.requireApproval) {
      throw errors.conflict('APPROVAL_REQUIRED', '部署须经另一名流程管理员批准，请在流程管理中提交 / Deployments need a second approval: submit through /api/admin/deployments');
    }
    return this.db.transaction(async (trx) => {
      const r = await this.deployNow(trx, user, ip, xml, note ?? '', {});
      if (r.created && r.deployment.version === 1) {
        // A new process: refused (the transaction rolls back) when a key differing only in case exists.
        const key = r.deployment.process_key;
        const like = await trx('process_deployments').whereRaw('lower(process_key) = ?', [key.toLowerCase()]).whereNot({ process_key: key }).first('process_key');
        if (like) {
          throw errors.conflict('PROCESS_EXISTS', `已有流程“${like.process_key}”，标识只差大小写，容易混淆，请换一个 / A process "${like.process_key}" exists: keys that differ only in case are refused`, { existing: like.process_key });
        }
      }
      return { key: r.deployment.process_key, version: r.deployment.version, created: r.created, warnings: pub(r.warnings) };
    });
  }

  // -- proposals ------------------------------------------------------------------------------

  private proposalDto(r: ProposalListRow, user: SessionUser) {
    return {
      id: r.id,
      processKey: r.process_key,
      name: r.name,
      baseVersion: r.base_version,
      note: r.note,
      sha256: r.sha256,
      proposedByName: r.proposed_by_name,
      proposedAt: r.proposed_at,
      status: r.status,
      decidedByName: r.decided_by_name,
      decidedAt: r.decided_at,
      decisionNote: r.decision_note,
      version: r.version,
      mine: r.proposed_by === user.id,
    };
  }

  async proposals(user: SessionUser, status: 'pending' | 'all') {
    return (await store.proposals(this.db, { status: status === 'pending' ? 'pending' : undefined })).map((r) => this.proposalDto(r, user));
  }

  async proposal(user: SessionUser, id: string) {
    const [row] = await store.proposals(this.db, { id });
    const full = await this.db('deployment_proposals').where({ id }).first('xml', 'forms');
    if (!row || !full) throw errors.notFound('Proposal');
    const forms = JSON.parse(full.forms) as Forms;
    const base = row.base_version ? await store.findVersion(this.db, row.process_key, row.base_version) : undefined;
    const baseForms = base ? await this.formsOf(this.db, base.id) : {};
    const diff = await diffVersions(
      { xml: base?.xml ?? '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="empty"/>', forms: baseForms },
      { xml: full.xml, forms: { ...baseForms, ...forms } },
    );
    return { ...this.proposalDto(row, user), xml: full.xml, forms, baseXml: base?.xml ?? null, diff };
  }

  private async decide(user: SessionUser, id: string, trx: Trx): Promise<ProposalRow> {
    const p = await store.lockProposal(trx, id);
    if (!p) throw errors.notFound('Proposal');
    if (p.status !== 'pending') {
      const [zh, en] = DECIDED[p.status] ?? ['已处理', 'decided'];
      throw errors.conflict('PROPOSAL_DECIDED', `该提议${zh}，不能再处理 / The proposal has already been ${en}`, { status: p.status });
    }
    return p;
  }

  async approve(user: SessionUser, ip: string, id: string, note?: string) {
    return this.db.transaction(async (trx) => {
      const p = await this.decide(user, id, trx);
      if (p.proposed_by === user.id) {
        throw errors.rule('second-approver', '须由另一名流程管理员批准 / Another process administrator must approve this deployment');
      }
      await this.checkBase(trx, p.process_key, p.base_version === null ? null : p.process_key, p.base_version);
      const forms = JSON.parse(p.forms) as Forms;
      await this.checked(trx, p.xml, forms); // the installation may have changed since it was proposed
      const r = await this.deployNow(trx, user, ip, p.xml, p.note, forms, { proposalId: p.id, proposedBy: p.proposed_by });
      if (!r.created) throw errors.conflict('NO_CHANGES', '与当前版本相同，未生成新版本 / Nothing changed: no new version');
      const now = iso(this.clock.now());
      await store.updateProposal(trx, p.id, { status: 'approved', decided_by: user.id, decided_at: now, decision_note: note ?? null, deployment_id: r.deployment.id });
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'process.approve',
        objectType: 'deployment_proposal',
        objectId: p.id,
        detail: { key: p.process_key, version: r.deployment.version, sha256: p.sha256, proposedBy: p.proposed_by },
      });
      return { outcome: 'deployed' as const, key: p.process_key, version: r.deployment.version, proposalId: p.id, warnings: pub(r.warnings) };
    });
  }

  /** Reject (another administrator) or withdraw (the proposer): the proposal ends without a version. */
  async close(user: SessionUser, ip: string, id: string, how: 'rejected' | 'withdrawn', note?: string) {
    return this.db.transaction(async (trx) => {
      const p = await this.decide(user, id, trx);
      if (how === 'withdrawn' && p.proposed_by !== user.id) throw errors.forbidden('只有提议人可以撤回 / Only the proposer may withdraw');
      if (how === 'rejected' && p.proposed_by === user.id) throw errors.rule('second-approver', '不能驳回自己的提议，可撤回 / Withdraw your own proposal instead');
      await store.updateProposal(trx, p.id, { status: how, decided_by: user.id, decided_at: iso(this.clock.now()), decision_note: note ?? null });
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: how === 'rejected' ? 'process.reject' : 'process.withdraw',
        objectType: 'deployment_proposal',
        objectId: p.id,
        detail: { key: p.process_key, sha256: p.sha256 },
      });
      const [row] = await store.proposals(trx, { id });
      return this.proposalDto(row, user);
    });
  }

  async diff(key: string, from: number, to: number) {
    const [a, b] = await Promise.all([store.findVersion(this.db, key, from), store.findVersion(this.db, key, to)]);
    if (!a || !b) throw errors.notFound('Process version');
    const [fa, fb] = await Promise.all([this.formsOf(this.db, a.id), this.formsOf(this.db, b.id)]);
    const d = await diffVersions({ xml: a.xml, forms: fa }, { xml: b.xml, forms: fb });
    return { key, from: { version: from, xml: a.xml }, to: { version: to, xml: b.xml }, ...d };
  }
}
