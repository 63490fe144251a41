// A user's own credentials: changing the password (policy: length, classes, not the username,
// not one of the last N) and enrolling a TOTP authenticator. A wrong current password or code
// counts like a failed login (lockout, per-IP limit). Changing the password ends the user's other
// sessions. Failures are audited, so the audit row commits and the error is thrown afterwards.
import { generateSecret, generateURI } from 'otplib';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { historyBreak, passwordRuleBreaks, type PolicySource } from './policy.ts';
import type { SessionUser, Sessions } from './sessions.ts';
import type { Me, PeopleService } from './service.ts';
import { totpCheck } from './totp.ts';
import type { SecretBox } from './secret-box.ts';
import type { LoginThrottle } from './throttle.ts';
import * as store from './store.ts';

type Outcome<T> = { ok: true; value: T } | { ok: false; error: Error };

export const TOTP_ISSUER = 'Dangan 干部人事档案';

export class CredentialsService {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly policy: PolicySource,
    private readonly sessions: Sessions,
    private readonly audit: AuditLog,
    private readonly throttle: LoginThrottle,
    private readonly people: PeopleService,
    private readonly secrets: SecretBox,
    private readonly scryptN: number,
  ) {}

  async changePassword(user: SessionUser, ip: string | null, currentPassword: string, newPassword: string): Promise<Me> {
    const policy = await this.policy.current();
    if (await this.throttle.blocked(ip, policy)) throw errors.rateLimited();
    const outcome = await this.db.transaction(async (trx): Promise<Outcome<null>> => {
      const u = await store.findUser(trx, user.id);
      if (!u) return { ok: false, error: errors.unauthenticated() };
      const refuse = async (reason: string, error: Error, detail: Record<string, unknown> = {}): Promise<Outcome<null>> => {
        await this.audit.record(trx, { actor: user, ip, action: 'auth.password_change', objectType: 'user', objectId: u.id, outcome: 'failure', detail: { reason, ...detail } });
        return { ok: false, error };
      };
      if (!(await verifyPassword(currentPassword, u.password_hash))) {
        const { locked } = await this.people.countFailure(trx, policy, u, ip);
        return refuse(locked ? 'wrong_current_locked' : 'wrong_current', locked ? errors.unauthenticated() : errors.currentPasswordWrong());
      }
      const broken = passwordRuleBreaks(newPassword, u.username, policy);
      const count = policy.password.historyCount;
      if (count > 0) {
        const previous = [u.password_hash, ...(await store.passwordHistory(trx, u.id, count - 1))];
        for (const h of previous) {
          if (await verifyPassword(newPassword, h)) {
            broken.push(historyBreak(count));
            break;
          }
        }
      }
      if (broken.length) return refuse('policy', errors.passwordPolicy(broken), { rules: broken.map((b) => b.rule) });
      const now = iso(this.clock.now());
      await store.pushPasswordHistory(trx, u.id, u.password_hash, now, Math.max(count - 1, 0));
      await store.setPassword(trx, u.id, await hashPassword(newPassword, this.scryptN), now, false);
      const ended = await this.sessions.endAllOf(trx, u.id, user.sessionId);
      await this.audit.record(trx, { actor: user, ip, action: 'auth.password_change', objectType: 'user', objectId: u.id, detail: { otherSessionsEnded: ended } });
      return { ok: true, value: null };
    });
    if (!outcome.ok) throw outcome.error;
    return this.people.me(user.id);
  }

  /** Starts enrolment: a new secret, kept as pending until a code from it is confirmed. */
  async totpSetup(user: SessionUser, ip: string | null): Promise<{ secret: string; otpauthUri: string }> {
    return this.db.transaction(async (trx) => {
      const u = await store.findUser(trx, user.id);
      if (!u) throw errors.unauthenticated();
      if (u.totp_secret) throw errors.conflict('TOTP_ALREADY_ENROLLED', '已绑定动态口令；如需更换请联系安全保密管理员 / Already enrolled; ask the security administrator to reset it');
      const secret = generateSecret();
      await store.setTotp(trx, u.id, { totp_pending_secret: this.secrets.seal(secret) });
      await this.audit.record(trx, { actor: user, ip, action: 'auth.totp_setup', objectType: 'user', objectId: u.id });
      return { secret, otpauthUri: generateURI({ issuer: TOTP_ISSUER, label: u.username, secret }) };
    });
  }

  /** Finishes enrolment with a code from the authenticator; from then on login needs a code. */
  async totpConfirm(user: SessionUser, ip: string | null, code: string): Promise<Me> {
    const policy = await this.policy.current();
    if (await this.throttle.blocked(ip, policy)) throw errors.rateLimited();
    const outcome = await this.db.transaction(async (trx): Promise<Outcome<null>> => {
      const u = await store.findUser(trx, user.id);
      if (!u) return { ok: false, error: errors.unauthenticated() };
      if (u.totp_secret) return { ok: false, error: errors.conflict('TOTP_ALREADY_ENROLLED', '已绑定动态口令 / Already enrolled') };
      if (!u.totp_pending_secret) return { ok: false, error: errors.conflict('TOTP_NOT_STARTED', '请先获取绑定密钥 / Start the enrolment first') };
      const pending = this.secrets.open(u.totp_pending_secret);
      // A new secret: no step of it has been used yet. The confirming code's step is recorded, so
      // the same code does not log in afterwards.
      const check = pending ? await totpCheck(pending, code, this.clock.now(), null) : null;
      if (!check?.ok) {
        await this.people.countFailure(trx, policy, u, ip);
        await this.audit.record(trx, { actor: user, ip, action: 'auth.totp_enroll', objectType: 'user', objectId: u.id, outcome: 'failure', detail: { reason: 'bad_totp' } });
        return { ok: false, error: errors.totpInvalid() };
      }
      await store.setTotp(trx, u.id, { totp_secret: u.totp_pending_secret, totp_pending_secret: null, totp_last_step: check.step });
      await store.resetFailedLogins(trx, u.id);
      await this.audit.record(trx, { actor: user, ip, action: 'auth.totp_enroll', objectType: 'user', objectId: u.id });
      return { ok: true, value: null };
    });
    if (!outcome.ok) throw outcome.error;
    return this.people.me(user.id);
  }
}
