// Accounts as the administrators manage them. The system administrator creates, disables,
// enables, unlocks and resets accounts (a reset gives a random initial password that must be
// changed at the next login); the security administrator grants roles, moves a user to another
// org unit (their scope), links an account to the cadre its user is (by ID number: nobody reads their
// own archive or a relative's) and resets a lost authenticator. Nobody manages their own account here,
// the 三员 separation holds for every role set, and the last enabled holder of an administrator
// role cannot be disabled or stripped of it. Every change is audited in its transaction, and an
// attempt refused by one of these rules is audited as denied. Disabling an account, or a role or
// unit change, gives the tasks the user may no longer work back to their groups in the same
// transaction (workflow/held-tasks.ts).
import type { Db, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors, isAppError } from '../errors.ts';
import { ADMIN_ROLES, isAllowed } from '../http/policy.ts';
import type { Actor, AuditLog } from '../audit/service.ts';
import type { Sessions } from '../people/sessions.ts';
import { generateInitialPassword, hashPassword } from '../people/passwords.ts';
import * as people from '../people/store.ts';
import { findCadreByIdNumber } from '../archives/store.ts';
import { maskIdNumber } from '../access/service.ts';
import type { NotifyService } from '../notify/service.ts';
import { formatInstant } from '../notify/beijing.ts';
import { oneLine } from '../notify/templates.ts';
import { checkAddress } from '../notify/envelope.ts';
import { assertRoleSet } from './separation.ts';
import { releaseTiedTasks, releaseUnentitledTasks, type AccountChange } from '../workflow/held-tasks.ts';
import * as store from './store.ts';

/**
 * Whether the reader sees which accounts are cadres (the link and its masked number): the security
 * administrator, who makes the link. The system administrator manages the same accounts but is not
 * told which of them are cadres: the field is not in his answers at all.
 */
export const seesCadreLinks = (viewer: { roles: readonly string[] }): boolean => isAllowed('avoidance.manage', viewer.roles);

export const accountDto = (r: store.AccountRow, now: Date, viewer: { roles: readonly string[] }) => ({
  id: r.id,
  username: r.username,
  displayName: r.display_name,
  orgUnit: { id: r.org_unit_id, name: r.org_name, code: r.org_code },
  roles: r.roles,
  email: r.email,
  disabled: r.disabled,
  locked: !!r.locked_until && new Date(r.locked_until) > now,
  lockedUntil: r.locked_until && new Date(r.locked_until) > now ? r.locked_until : null,
  mustChangePassword: r.must_change_password,
  totpEnrolled: r.totp_enrolled,
  lastLoginAt: r.last_login_at,
  createdAt: r.created_at,
  isDemo: r.is_demo,
  // The cadre the account is, by its ID number masked (150302********000X): enough for the security
  // administrator to see the link they made, never the cadre's name or id (a 三员 reads no business data).
  ...(seesCadreLinks(viewer) ? { cadreIdNumber: r.cadre_id_number ? maskIdNumber(r.cadre_id_number) : null } : {}),
});

export type AccountDto = ReturnType<typeof accountDto>;

const isUniqueViolation = (e: unknown): boolean => {
  const err = e as { code?: string; message?: string };
  return err?.code === '23505' || err?.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(err?.message ?? '');
};

/** The cadre is another account's already: that account is named (the administrator sees accounts). */
const conflictOther = (o: { id: number; username: string; display_name: string }) =>
  errors.conflict('CADRE_LINKED_ELSEWHERE', `该干部已关联账号 ${o.display_name}（${o.username}） / The cadre is already linked to the account ${o.display_name} (${o.username})`, {
    userId: o.id,
    username: o.username,
    displayName: o.display_name,
  });

const isAdminRole = (r: string) => (ADMIN_ROLES as readonly string[]).includes(r);

/** The refusals of an administrator's attempt that the audit log keeps (the 三员 rules). */
export const AUDITED_REFUSALS = ['SEPARATION_OF_DUTIES', 'LAST_ADMINISTRATOR', 'NOT_OWN_ACCOUNT'];

export class UserAdminService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly sessions: Sessions,
    private readonly audit: AuditLog,
    private readonly notify: Pick<NotifyService, 'notify' | 'onTaskReleased'>,
    private readonly scryptN: number,
    /** MAIL_ALLOWED_DOMAINS: an address outside them would have every mail refused (envelope.ts). */
    private readonly allowedDomains: readonly string[] = [],
  ) {}

  /**
   * An address the mail worker would refuse is refused here, at its field, with the reason and the
   * domains allowed: accepted silently, every mail to the user would end `DOMAIN_NOT_ALLOWED`.
   */
  private assertMailable(email: string | null | undefined): void {
    if (!email) return;
    const problem = checkAddress(email, this.allowedDomains);
    if (problem === 'DOMAIN_NOT_ALLOWED') {
      const list = this.allowedDomains.join('、');
      throw errors.validation([{ field: 'email', message: `邮箱须属于允许的邮件域（${list}） / The address must be in an allowed mail domain (${this.allowedDomains.join(', ')})` }]);
    }
    if (problem) throw errors.validation([{ field: 'email', message: '邮箱地址格式不正确 / Not a mail address' }]);
  }

  /** `viewer`: who reads the list (the cadre links only for the security administrator, seesCadreLinks). */
  async list(viewer: { roles: readonly string[] }, f: { text?: string; role?: string; offset: number; limit: number }) {
    const { rows, total } = await store.listAccounts(this.db, f);
    const now = this.clock.now();
    return { items: rows.map((r) => accountDto(r, now, viewer)), total };
  }

  async get(viewer: { roles: readonly string[] }, id: number): Promise<AccountDto> {
    const row = await store.findAccount(this.db, id);
    if (!row) throw errors.notFound('User');
    return accountDto(row, this.clock.now(), viewer);
  }

  /**
   * Runs an account change; a refusal by a 三员 rule (two administrator roles on one account, the
   * last holder of a duty, one's own account) leaves a `denied` row of the same action, written in
   * its own transaction since the change's rolls back: the auditor sees who tried what on whom,
   * as a 403 leaves authz.denied. `attempt`: what was asked (the roles, the unit).
   */
  private async refusalAudited<T>(actor: Actor, ip: string | null, action: string, id: number, attempt: Record<string, unknown>, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const rule = isAppError(e) && e.code === 'RULE_VIOLATION' ? (e.details as { rule?: unknown } | undefined)?.rule : undefined;
      if (typeof rule === 'string' && AUDITED_REFUSALS.includes(rule)) {
        // The role set a SEPARATION_OF_DUTIES refusal repeats is the attempt's `to`.
        const { rule: _rule, roles: _roles, ...facts } = (e as { details: Record<string, unknown> }).details;
        await this.audit.record(null, { actor, ip, action, outcome: 'denied', objectType: 'user', objectId: id, detail: { rule, ...attempt, ...facts } });
      }
      throw e;
    }
  }

  /** Loads the target inside the transaction; nobody manages their own account from a console. */
  private async target(trx: Trx, actor: Actor, id: number): Promise<store.AccountRow> {
    const row = await store.findAccount(trx, id);
    if (!row) throw errors.notFound('User');
    if (row.id === actor.id) throw errors.rule('NOT_OWN_ACCOUNT', '不能在管理控制台中管理自己的账号 / You cannot manage your own account here');
    return row;
  }

  /** The last enabled holder of sys_admin, sec_admin or auditor stays: the system would lose a duty. */
  private async assertNotLastAdmin(trx: Trx, row: store.AccountRow, losing: string[]): Promise<void> {
    for (const role of losing.filter(isAdminRole)) {
      if (!row.disabled && (await store.enabledHolders(trx, role, row.id)) === 0) {
        // The role named in words (roles table: 安全审计员 / Security auditor), its code kept in details.
        const name = await trx('roles').where({ code: role }).first('name_zh', 'name_en');
        throw errors.rule(
          'LAST_ADMINISTRATOR',
          `${name?.name_zh ?? role}至少需要保留一个可用账号 / At least one enabled ${name ? name.name_en.charAt(0).toLowerCase() + name.name_en.slice(1) : role} account must remain`,
          { role },
        );
      }
    }
  }

  async create(actor: Actor, ip: string | null, input: { username: string; displayName: string; orgUnitId: number; email?: string | null }) {
    this.assertMailable(input.email);
    const initialPassword = generateInitialPassword();
    const hash = await hashPassword(initialPassword, this.scryptN);
    const id = await this.db.transaction(async (trx) => {
      if (await store.usernameTaken(trx, input.username)) throw errors.conflict('USERNAME_TAKEN', '用户名已存在 / The username is taken');
      if (!(await people.findOrgUnit(trx, input.orgUnitId))) {
        throw errors.validation([{ field: 'orgUnitId', message: '单位不存在 / No such org unit' }]);
      }
      const now = iso(this.clock.now());
      const id = await people.insertUser(
        trx,
        people.newAccountRow({ username: input.username, displayName: input.displayName, orgUnitId: input.orgUnitId, passwordHash: hash, email: input.email, now }),
        [],
      );
      await this.audit.record(trx, { actor, ip, action: 'user.create', objectType: 'user', objectId: id, detail: { username: input.username, orgUnitId: input.orgUnitId } });
      return id;
    });
    return { user: await this.get(actor, id), initialPassword };
  }

  async setDisabled(actor: Actor, ip: string | null, id: number, disabled: boolean): Promise<AccountDto> {
    await this.refusalAudited(actor, ip, disabled ? 'user.disable' : 'user.enable', id, {}, () => this.db.transaction(async (trx) => {
      const row = await this.target(trx, actor, id);
      if (row.disabled === disabled) {
        throw errors.conflict(disabled ? 'ALREADY_DISABLED' : 'ALREADY_ENABLED', disabled ? '账号已停用 / Already disabled' : '账号已启用 / Already enabled');
      }
      if (disabled) await this.assertNotLastAdmin(trx, row, row.roles);
      await store.setDisabled(trx, id, disabled);
      const ended = disabled ? await this.sessions.endAllOf(trx, id) : 0;
      // A disabled account works nothing: its claims go back to their groups. Enabled again, it
      // claims anew; a task the process named it for (stranded meanwhile) is its own again. Before
      // the change's own audit row: the cases' locks come before the audit chain's (held-tasks.ts).
      if (disabled) await this.releaseHeldTasks(trx, actor, ip, { ...row, disabled: true }, 'disable');
      await this.audit.record(trx, {
        actor,
        ip,
        action: disabled ? 'user.disable' : 'user.enable',
        objectType: 'user',
        objectId: id,
        detail: disabled ? { sessionsEnded: ended } : undefined,
      });
    }));
    return this.get(actor, id);
  }

  /**
   * The system administrator alone could otherwise become any user: so the user is mailed at once
   * (`password_reset`, mandatory and never digested: who reset it and when), and the initial
   * password does not open the account from the address it was reset from (PeopleService.login).
   */
  async resetPassword(actor: Actor, ip: string | null, id: number): Promise<{ user: AccountDto; initialPassword: string }> {
    const initialPassword = generateInitialPassword();
    const hash = await hashPassword(initialPassword, this.scryptN);
    await this.refusalAudited(actor, ip, 'user.password_reset', id, {}, () => this.db.transaction(async (trx) => {
      const row = await this.target(trx, actor, id);
      const now = this.clock.now();
      await store.unlock(trx, id);
      await people.setPassword(trx, id, hash, iso(now), true);
      const ended = await this.sessions.endAllOf(trx, id);
      await this.audit.record(trx, { actor, ip, action: 'user.password_reset', objectType: 'user', objectId: row.id, detail: { sessionsEnded: ended } });
      const by = actor.id ? await people.findUser(trx, actor.id) : undefined;
      await this.notify.notify(trx, {
        event: 'password_reset',
        recipients: [{ userId: row.id }],
        vars: { username: row.username, byName: by ? `${oneLine(by.display_name, 100)}（${by.username}）` : actor.username, resetAt: formatInstant(now) },
        // The new password is to be used at the login page (the inbox would only send them there).
        link: { login: true },
        key: `password_reset:${row.id}:${iso(now)}`,
      });
    }));
    return { user: await this.get(actor, id), initialPassword };
  }

  /**
   * Adds, corrects or removes the address the user's mail goes to (个人设置 sends the user here).
   * Checked as the mail worker checks it (one plain address in an allowed domain), audited with
   * the old and new address. Mail refused for the old one is not resent by itself: 邮件发送 retries it.
   */
  async setEmail(actor: Actor, ip: string | null, id: number, email: string | null): Promise<AccountDto> {
    this.assertMailable(email);
    await this.refusalAudited(actor, ip, 'user.email_change', id, {}, () => this.db.transaction(async (trx) => {
      const row = await this.target(trx, actor, id);
      if ((row.email ?? null) === email) return;
      await store.setEmail(trx, id, email);
      await this.audit.record(trx, { actor, ip, action: 'user.email_change', objectType: 'user', objectId: id, detail: { from: row.email ?? null, to: email } });
    }));
    return this.get(actor, id);
  }

  async unlock(actor: Actor, ip: string | null, id: number): Promise<AccountDto> {
    await this.refusalAudited(actor, ip, 'user.unlock', id, {}, () => this.db.transaction(async (trx) => {
      const row = await this.target(trx, actor, id);
      await store.unlock(trx, id);
      await this.audit.record(trx, { actor, ip, action: 'user.unlock', objectType: 'user', objectId: row.id });
    }));
    return this.get(actor, id);
  }

  async setRoles(actor: Actor, ip: string | null, id: number, roles: string[]): Promise<AccountDto> {
    const wanted = [...new Set(roles)].sort();
    await this.refusalAudited(actor, ip, 'user.roles_change', id, { to: wanted }, async () => {
      assertRoleSet(wanted);
      await this.db.transaction(async (trx) => {
        const row = await this.target(trx, actor, id);
        await this.assertNotLastAdmin(trx, row, row.roles.filter((r) => !wanted.includes(r)));
        await store.replaceRoles(trx, id, wanted);
        await this.releaseHeldTasks(trx, actor, ip, { ...row, roles: wanted }, 'roles_change');
        await this.audit.record(trx, { actor, ip, action: 'user.roles_change', objectType: 'user', objectId: id, detail: { from: row.roles, to: wanted } });
      });
    });
    return this.get(actor, id);
  }

  async setOrgUnit(actor: Actor, ip: string | null, id: number, orgUnitId: number): Promise<AccountDto> {
    await this.refusalAudited(actor, ip, 'user.scope_change', id, { to: orgUnitId }, () => this.db.transaction(async (trx) => {
      const row = await this.target(trx, actor, id);
      if (!(await people.findOrgUnit(trx, orgUnitId))) throw errors.validation([{ field: 'orgUnitId', message: '单位不存在 / No such org unit' }]);
      await store.setOrgUnit(trx, id, orgUnitId);
      await this.releaseHeldTasks(trx, actor, ip, { ...row, org_unit_id: orgUnitId }, 'scope_change');
      await this.audit.record(trx, { actor, ip, action: 'user.scope_change', objectType: 'user', objectId: id, detail: { from: row.org_unit_id, to: orgUnitId } });
    }));
    return this.get(actor, id);
  }

  /**
   * The open tasks the user holds that the account as changed may no longer work (disabled, or the
   * new roles or unit do not entitle them) go back to their candidate group, in the change's
   * transaction (workflow/held-tasks.ts) and before its audit row: the cases' locks come before the
   * audit chain's, as in every task command (held-tasks.ts lockCases).
   */
  private releaseHeldTasks(trx: Trx, actor: Actor, ip: string | null, after: store.AccountRow, why: AccountChange) {
    const user = { id: after.id, displayName: after.display_name, roles: after.roles, orgUnitId: after.org_unit_id, disabled: after.disabled };
    return releaseUnentitledTasks(trx, { clock: this.clock, audit: this.audit, notify: this.notify }, { actor, ip }, user, why);
  }

  /**
   * Links the account to the cadre it is, named by ID number only (like an avoidance entry: never by
   * cadre id, never answering a name). From then on the user reads neither their own archive nor a
   * relative's (server/access cadreTies, read per request: no new login needed). One account, one
   * cadre, and the other way round: a linked account or an already-linked cadre is 409 (naming the
   * account — the security administrator's to see). An ID number of no cadre is 400 at its field
   * (干部不存在), audited as denied with the number masked, so trying numbers shows in the log. The
   * reason given (schema.ts, as an avoidance entry's) is written to the audit row of the link.
   */
  async linkCadre(actor: Actor, ip: string | null, id: number, idNumber: string, reason: string): Promise<AccountDto> {
    const outcome = await this.refusalAudited(actor, ip, 'user.cadre_link', id, { idNumber: maskIdNumber(idNumber) }, () =>
      this.db.transaction(async (trx) => {
        const row = await this.target(trx, actor, id);
        const cadre = await findCadreByIdNumber(trx, idNumber);
        if (!cadre) return { refused: true as const };
        if (row.cadre_id === cadre.id) throw errors.conflict('CADRE_ALREADY_LINKED', '该账号已关联此干部 / The account is already linked to this cadre');
        if (row.cadre_id !== null) {
          throw errors.conflict('ACCOUNT_HAS_CADRE', '该账号已关联另一名干部，请先解除关联 / The account is linked to another cadre: unlink it first');
        }
        const other = await store.accountOfCadre(trx, cadre.id);
        if (other) throw conflictOther(other);
        try {
          if (!(await store.setCadre(trx, id, null, cadre.id))) {
            throw errors.conflict('ACCOUNT_HAS_CADRE', '该账号已关联另一名干部，请先解除关联 / The account is linked to another cadre: unlink it first');
          }
        } catch (e) {
          // Two links of one cadre at once: the unique index settles it, with the same code
          // (on PostgreSQL the transaction is spoilt by then, so the winner is not looked up).
          if (!isUniqueViolation(e)) throw e;
          throw errors.conflict('CADRE_LINKED_ELSEWHERE', '该干部已关联另一个账号 / The cadre is already linked to another account');
        }
        // Tasks held on cases about the cadre or a relative go back to their groups (workflow/held-tasks.ts),
        // before the link's own audit row: the cases' locks come before the audit chain's (lockCases).
        await releaseTiedTasks(trx, { clock: this.clock, audit: this.audit, notify: this.notify }, { actor, ip }, { id, displayName: row.display_name, orgUnitId: row.org_unit_id }, 'cadre_link');
        await this.audit.record(trx, { actor, ip, action: 'user.cadre_link', objectType: 'user', objectId: id, detail: { cadreId: cadre.id, idNumber: maskIdNumber(idNumber), reason } });
        return { refused: false as const };
      }),
    );
    if (outcome.refused) {
      await this.audit.record(null, { actor, ip, action: 'user.cadre_link', outcome: 'denied', objectType: 'user', objectId: id, detail: { reason: 'no_such_cadre', idNumber: maskIdNumber(idNumber) } });
      throw errors.validation([{ field: 'cadreIdNumber', message: '干部不存在 / no such cadre' }]);
    }
    return this.get(actor, id);
  }

  /**
   * Lifts the link: the user reads their own and their relatives' archives again where their scope
   * holds them. Like linking (and lifting an avoidance entry), it is done for a reason, audited.
   */
  async unlinkCadre(actor: Actor, ip: string | null, id: number, reason: string): Promise<AccountDto> {
    await this.refusalAudited(actor, ip, 'user.cadre_unlink', id, {}, () =>
      this.db.transaction(async (trx) => {
        const row = await this.target(trx, actor, id);
        if (row.cadre_id === null) throw errors.conflict('CADRE_NOT_LINKED', '该账号未关联干部 / The account is not linked to a cadre');
        if (!(await store.setCadre(trx, id, row.cadre_id, null))) throw errors.conflict('CADRE_NOT_LINKED', '该账号未关联干部 / The account is not linked to a cadre');
        await this.audit.record(trx, {
          actor,
          ip,
          action: 'user.cadre_unlink',
          objectType: 'user',
          objectId: id,
          detail: { cadreId: row.cadre_id, idNumber: row.cadre_id_number ? maskIdNumber(row.cadre_id_number) : null, reason },
        });
      }),
    );
    return this.get(actor, id);
  }

  /** A lost authenticator: the user enrols a new one at the next login (their sessions end now). */
  async resetTotp(actor: Actor, ip: string | null, id: number): Promise<AccountDto> {
    await this.refusalAudited(actor, ip, 'user.totp_reset', id, {}, () => this.db.transaction(async (trx) => {
      const row = await this.target(trx, actor, id);
      await store.clearTotp(trx, id);
      const ended = await this.sessions.endAllOf(trx, id);
      await this.audit.record(trx, { actor, ip, action: 'user.totp_reset', objectType: 'user', objectId: row.id, detail: { sessionsEnded: ended } });
    }));
    return this.get(actor, id);
  }
}
