// Login, logout and "who am I". Every answer to a failed login is the same generic LOGIN_FAILED
// (unknown user, wrong password, wrong code, disabled or locked account alike); the difference is
// only in the audit row. Failures count towards the account's lockout and the address's limit.
// A TOTP code is accepted once: its time step is recorded with the login (RFC 6238 §5.2).
// A login always issues a new session token and ends the session presented with it.
import type { Db, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { AppError, errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import type { SessionUser, Sessions } from './sessions.ts';
import { mustChangePassword, totpRequiredFor, type PolicySource, type SecurityPolicy } from './policy.ts';
import type { LoginThrottle } from './throttle.ts';
import type { SecretBox } from './secret-box.ts';
import { totpCheck } from './totp.ts';
import * as store from './store.ts';
import type { UserRow } from './store.ts';
import type { Language } from './schema.ts';

export interface LoginInput {
  username: string;
  password: string;
  totp?: string;
}

export interface Me {
  id: number;
  username: string;
  displayName: string;
  orgUnit: { id: number; name: string; code: string };
  roles: string[];
  language: string;
  email: string | null;
  mustChangePassword: boolean;
  mustEnrollTotp: boolean;
}

const initialPasswordHere = () =>
  new AppError(
    403,
    'INITIAL_PASSWORD_SAME_ADDRESS',
    '初始密码不能在系统管理员设置它的计算机上使用：请在您本人的计算机上登录，并立即设置新密码 / An initial password cannot be used from the computer the system administrator set it on: log in from your own computer and set a new password at once',
  );

type Attempt = { ok: true; token: string } | { ok: false; error: Error };

export class PeopleService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: PolicySource,
    private readonly sessions: Sessions,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
    private readonly secrets: SecretBox,
    /** scrypt's N of new hashes: an unknown user's check costs what a real one does. */
    private readonly scryptN: number,
  ) {}

  /**
   * Counts a failed credential check: towards the account's lockout (when the account is known)
   * and the address's limit, auditing the moment either trips. Runs in the attempt's transaction.
   */
  async countFailure(trx: Trx, policy: SecurityPolicy, user: UserRow | undefined, ip: string | null): Promise<{ locked: boolean }> {
    let locked = false;
    if (user) {
      const failed = user.failed_logins + 1;
      locked = failed >= policy.lockout.maxFailures;
      const until = locked ? iso(new Date(this.clock.now().getTime() + policy.lockout.lockSeconds * 1000)) : null;
      await store.recordFailedLogin(trx, user.id, locked ? 0 : failed, until);
      if (locked) {
        await this.sessions.endAllOf(trx, user.id);
        await this.audit.record(trx, {
          actor: store.actorOfRow(user),
          ip,
          action: 'auth.lockout',
          objectType: 'user',
          objectId: user.id,
          outcome: 'denied',
          detail: { failures: failed, lockedUntil: until },
        });
      }
    }
    const n = await this.throttle.recordFailure(trx, ip, policy);
    if (n === policy.rateLimit.ipMaxFailures) {
      await this.audit.record(trx, {
        ip,
        action: 'auth.ip_blocked',
        objectType: 'ip',
        objectId: ip ?? undefined,
        outcome: 'denied',
        detail: { failures: n, windowSeconds: policy.rateLimit.ipWindowSeconds },
      });
    }
    return { locked };
  }

  /** Returns a new session token. Failures are counted and audited even though the call throws. */
  async login(input: LoginInput, ip: string | null, userAgent: string | null, presentedToken?: string): Promise<{ token: string; user: Me }> {
    const policy = await this.policy.current();
    if (await this.throttle.blocked(ip, policy)) throw errors.rateLimited();
    const attempt = await this.db.transaction(async (trx): Promise<Attempt> => {
      const user = await store.findUserByUsername(trx, input.username);
      /** Every failure counts for the address; only a wrong password or code counts for the account. */
      const fail = async (reason: string, againstAccount: boolean): Promise<Attempt> => {
        const { locked } = await this.countFailure(trx, policy, againstAccount ? user : undefined, ip);
        await this.audit.record(trx, {
          actor: user ? store.actorOfRow(user) : null,
          actorName: input.username,
          ip,
          action: 'auth.login',
          objectType: 'user',
          objectId: user?.id,
          outcome: 'failure',
          detail: { reason: locked ? `${reason}_locked` : reason },
        });
        return { ok: false, error: errors.loginFailed() };
      };
      if (!user || user.disabled) {
        await burnPasswordCheck(input.password, this.scryptN);
        return fail(user ? 'disabled' : 'unknown_user', false);
      }
      const now = this.clock.now();
      if (user.locked_until && new Date(user.locked_until) > now) {
        // Even the right password does not open a locked account; the answer stays the same.
        await burnPasswordCheck(input.password, this.scryptN);
        return fail('locked', false);
      }
      if (!(await verifyPassword(input.password, user.password_hash))) return fail('bad_password', true);

      const roles = await store.rolesOf(trx, user.id);
      if (user.totp_secret) {
        if (!input.totp) return { ok: false, error: errors.totpRequired() };
        const secret = this.secrets.open(user.totp_secret);
        if (!secret) return fail('bad_totp', true);
        // A code is good once: a replayed one is refused and counted like a wrong one.
        const check = await totpCheck(secret, input.totp, now, user.totp_last_step ?? null);
        if (!check.ok) return fail(check.reason, true);
        if (!(await store.claimTotpStep(trx, user.id, check.step))) return fail('totp_replayed', true);
      }
      // An initial password the system administrator gave does not open the account from the
      // address it was given from: the administrator cannot become the user at their own desk.
      if (user.must_change_password && ip) {
        const given = await store.initialPasswordGiven(trx, user.id, user.password_changed_at);
        if (given?.ip === ip) {
          await this.audit.record(trx, {
            actor: { id: user.id, username: user.username, roles, orgUnitId: user.org_unit_id },
            ip,
            action: 'auth.reset_login_same_ip',
            objectType: 'user',
            objectId: user.id,
            outcome: 'denied',
            detail: { givenBy: given.actor, given: given.action === 'user.create' ? 'create' : 'reset' },
          });
          return { ok: false, error: initialPasswordHere() };
        }
      }
      await store.recordLogin(trx, user.id, iso(now));
      await this.sessions.destroyToken(trx, presentedToken);
      const token = await this.sessions.create(trx, user.id, ip, userAgent, policy);
      const pending = [
        ...(mustChangePassword(user, policy, now) ? ['password_change'] : []),
        ...(!user.totp_secret && totpRequiredFor(roles, policy) ? ['totp_enrolment'] : []),
      ];
      await this.audit.record(trx, {
        actor: { id: user.id, username: user.username, roles, orgUnitId: user.org_unit_id },
        ip,
        action: 'auth.login',
        objectType: 'user',
        objectId: user.id,
        detail: { factors: user.totp_secret ? 2 : 1, ...(pending.length ? { pending } : {}) },
      });
      return { ok: true, token };
    });
    if (!attempt.ok) throw attempt.error;
    const user = await store.findUserByUsername(this.db, input.username);
    return { token: attempt.token, user: await this.me(user!.id) };
  }

  async logout(user: SessionUser, ip: string | null): Promise<void> {
    await this.db.transaction(async (trx) => {
      await this.sessions.destroy(trx, user.sessionId);
      await this.audit.record(trx, { actor: user, ip, action: 'auth.logout', objectType: 'user', objectId: user.id });
    });
  }

  /**
   * My language: mails follow it, and a browser where I have not picked one shows it. Audited like
   * my other settings (`user.language`, from → to); the same language again changes nothing.
   */
  async setLanguage(user: SessionUser, ip: string | null, language: Language): Promise<Me> {
    await this.db.transaction(async (trx) => {
      const row = await store.findUser(trx, user.id);
      if (!row) throw errors.notFound('User');
      if (row.language === language) return;
      await store.setLanguage(trx, user.id, language);
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'user.language',
        objectType: 'user',
        objectId: user.id,
        detail: { from: row.language, to: language },
      });
    });
    return this.me(user.id);
  }

  async me(userId: number): Promise<Me> {
    const user = await store.findUser(this.db, userId);
    if (!user) throw errors.notFound('User');
    const org = await store.findOrgUnit(this.db, user.org_unit_id);
    const roles = await store.rolesOf(this.db, user.id);
    const policy = await this.policy.current();
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      orgUnit: { id: org!.id, name: org!.name, code: org!.code },
      roles,
      language: user.language,
      email: user.email,
      mustChangePassword: mustChangePassword(user, policy, this.clock.now()),
      mustEnrollTotp: !user.totp_secret && totpRequiredFor(roles, policy),
    };
  }
}
