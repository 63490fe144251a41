// Login, logout and "who am I". Failed attempts count towards a lockout that answers with the
// same generic error as a wrong password; the three administrators need a TOTP code.
import { verify as verifyTotp } from 'otplib';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Config } from '../config.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import { ADMIN_ROLES } from '../http/policy.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import type { SessionUser, Sessions } from './sessions.ts';
import * as store from './store.ts';

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
}

type Attempt = { ok: true; token: string } | { ok: false; error: Error };

export class PeopleService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly cfg: Config['session'],
    private readonly sessions: Sessions,
    private readonly audit: AuditLog,
  ) {}

  /** Returns a session token. Failures are counted and audited even though the call throws. */
  async login(input: LoginInput, ip: string | null, userAgent: string | null): Promise<{ token: string; user: Me }> {
    const attempt = await this.db.transaction(async (trx): Promise<Attempt> => {
      const user = await store.findUserByUsername(trx, input.username);
      const fail = async (reason: string): Promise<Attempt> => {
        await this.audit.record(trx, {
          actor: user ? { id: user.id, username: user.username, roles: [] } : null,
          actorName: input.username,
          ip,
          action: 'auth.login',
          objectType: 'user',
          objectId: user?.id,
          outcome: 'failure',
          detail: { reason },
        });
        return { ok: false, error: errors.loginFailed() };
      };
      if (!user || user.disabled) {
        await burnPasswordCheck(input.password);
        return fail(user ? 'disabled' : 'unknown_user');
      }
      const now = this.clock.now();
      if (user.locked_until && new Date(user.locked_until) > now) {
        await burnPasswordCheck(input.password);
        return fail('locked');
      }
      const registerFailure = async (reason: string) => {
        const failed = user.failed_logins + 1;
        const lock = failed >= this.cfg.maxFailures;
        await store.recordFailedLogin(
          trx,
          user.id,
          lock ? 0 : failed,
          lock ? iso(new Date(now.getTime() + this.cfg.lockSeconds * 1000)) : null,
        );
        return fail(lock ? `${reason}_locked` : reason);
      };
      if (!(await verifyPassword(input.password, user.password_hash))) return registerFailure('bad_password');

      const roles = await store.rolesOf(trx, user.id);
      const needsTotp = !!user.totp_secret || roles.some((r) => (ADMIN_ROLES as readonly string[]).includes(r));
      if (needsTotp) {
        if (!input.totp) return { ok: false, error: errors.totpRequired() };
        if (!user.totp_secret) return fail('totp_not_enrolled');
        const check = await verifyTotp({
          secret: user.totp_secret,
          token: input.totp,
          epoch: Math.floor(now.getTime() / 1000),
          epochTolerance: 30,
        });
        if (!check.valid) return registerFailure('bad_totp');
      }
      await store.resetFailedLogins(trx, user.id);
      const token = await this.sessions.create(trx, user.id, ip, userAgent);
      await this.audit.record(trx, {
        actor: { id: user.id, username: user.username, roles, orgUnitId: user.org_unit_id },
        ip,
        action: 'auth.login',
        objectType: 'user',
        objectId: user.id,
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

  async me(userId: number): Promise<Me> {
    const user = await store.findUser(this.db, userId);
    if (!user) throw errors.notFound('User');
    const org = await store.findOrgUnit(this.db, user.org_unit_id);
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      orgUnit: { id: org!.id, name: org!.name, code: org!.code },
      roles: await store.rolesOf(this.db, user.id),
      language: user.language,
    };
  }
}
