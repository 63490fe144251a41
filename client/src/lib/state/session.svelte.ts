// Who is logged in, the server's settings, the server's clock, and the idle timeout: a notice
// before the server would end the session, and a clean return to /login when it has — or, when the
// page holds unsaved work, the page kept as it is behind a lock until the same user logs in again.
// The idle limit is the security policy's, which the security administrator may change at any
// time: an open page reads the settings again in the background at the inbox's poll interval.
import type { ClientSettings, Me } from '../api/types.ts';
import { abortSessionRequests, ApiError, call, onApi, openSessionRequests } from '../api/client.ts';
import { errorText } from '../api/errors.ts';
import { i18n, type Locale } from '../i18n/index.svelte.ts';
import { toasts } from './toasts.svelte.ts';
import { router } from '../router/routes.ts';

/** The server only records activity every 15 s; stop that much earlier to be on the safe side. */
const SERVER_TOUCH_SLACK_MS = 20_000;
/** The notice shows for the last minute — for the last half of a shorter limit, not all the time. */
const WARN_BEFORE_MS = 60_000;

/** How long before the browser's idle logout the notice shows, for a limit of `limitMs`. */
const warnBeforeMs = (limitMs: number): number => Math.min(WARN_BEFORE_MS, limitMs / 2);

export type MeWithPolicy = Me & { mustChangePassword?: boolean };

/** Why the session ended without the user logging out. */
export type EndedBy = 'idle' | 'expired';

/**
 * The lock's step: the login of the same user, then — when the password was reset or expired
 * meanwhile — the forced password change. Until the change is done the page stays locked, the
 * user stays as before and none of the page's requests go out (they would be refused with
 * PASSWORD_CHANGE_REQUIRED); the new session begins for the page with the change (signedIn).
 */
export type LockStep = 'login' | 'changePassword';

/** The page's unsaved work, as the leave-guard knows it (state/leave-guard.svelte.ts registers). */
export interface UnsavedWork {
  /** Whether the page holds work that leaving now would lose. */
  held(): boolean;
  /** The work is given up (as 放弃并离开 gives it up). */
  drop(): void;
}

class Session {
  user = $state<MeWithPolicy | null>(null);
  settings = $state<ClientSettings | null>(null);
  ready = $state(false);
  /** Seconds until the idle logout, while the warning shows; null otherwise. */
  idleSecondsLeft = $state<number | null>(null);
  canStart = $state(false);
  /**
   * The session ended while the page held unsaved work: the page stays as it is, covered and inert
   * (SessionLock), until the same user logs in again (relogin) — and, if the password must be
   * changed first, has changed it (changePassword) — or gives the work up (abandon). The work stays
   * in memory only: start forms hold a cadre's name and ID number.
   */
  locked = $state<{ reason: EndedBy; username: string; userId: number; step: LockStep } | null>(null);
  unsavedWork: UnsavedWork = { held: () => false, drop: () => {} };
  private clockOffset = 0;
  private lastActivity = Date.now();
  private timer: ReturnType<typeof setInterval> | null = null;
  /** When the settings were last read (Date.now()), and whether a read is under way. */
  private settingsReadAt = 0;
  private settingsReading = false;

  constructor() {
    onApi('activity', () => {
      this.lastActivity = Date.now();
      this.idleSecondsLeft = null;
    });
    onApi('unauthenticated', () => {
      if (this.user && !this.locked) this.ended('expired');
      // The session of the change step ended too (idle on the server): the lock asks for the login again.
      else if (this.locked?.step === 'changePassword') this.locked = { ...this.locked, step: 'login' };
    });
    // A language picked while logged in (the header's switch, the login page during a forced
    // password change) becomes the account's: mails follow the language the user reads. One picked
    // on the lock goes when the page's session begins again (agreeOnLanguage), as a pick on the
    // login page does at the login.
    i18n.onPick = (locale) => {
      if (this.user && !this.locked) void this.sendLanguage(locale);
    };
  }

  /** Language changes go one after the other, so that quick switches end with the last one picked. */
  private languageSends: Promise<unknown> = Promise.resolve();

  /**
   * Makes `locale` the account's language, after the picks before it; the answer (Me) becomes the
   * user. Rejects when the server refuses (个人设置 shows it at its field).
   */
  setLanguage(locale: Locale): Promise<void> {
    const send = this.languageSends.then(() => this.putLanguage(locale));
    this.languageSends = send.catch(() => undefined);
    return send;
  }

  /** The header's pick: as setLanguage, a refusal told in a toast. False when refused. */
  sendLanguage(locale: Locale): Promise<boolean> {
    return this.setLanguage(locale).then(
      () => true,
      (e) => {
        toasts.error(i18n.t('header.languageNotSaved', { reason: errorText(e) }));
        return false;
      },
    );
  }

  private async putLanguage(locale: Locale): Promise<void> {
    if (!this.user) return;
    if (this.user.language !== locale) {
      const me = await call('PUT /api/me/language', { body: { language: locale } });
      if (this.user) this.user = { ...this.user, ...me };
    }
    if (i18n.locale === locale) i18n.accountHasIt();
  }

  /**
   * At login (and on a reload with a session): one language for the account and this browser. A
   * pick made here that the account has not got is sent to it; otherwise the account's applies —
   * also on a new browser, and after the user changed it on another one.
   */
  private async agreeOnLanguage(user: MeWithPolicy): Promise<void> {
    const account: Locale = user.language === 'en' ? 'en' : 'zh';
    if (i18n.unsent && i18n.locale !== account) await this.sendLanguage(i18n.locale);
    else i18n.adopt(account);
  }

  /** Server time now, by the server's clock (deadlines and ages are measured against it). */
  now(): number {
    return Date.now() + this.clockOffset;
  }

  syncClock(serverTime: string | undefined): void {
    if (serverTime) this.clockOffset = new Date(serverTime).getTime() - Date.now();
  }

  hasRole(...roles: string[]): boolean {
    return !!this.user?.roles.some((r) => roles.includes(r));
  }

  get isBusinessUser(): boolean {
    return this.hasRole('applicant', 'unit_head', 'archivist', 'archive_chief', 'auth_leader', 'producer');
  }

  async boot(): Promise<void> {
    try {
      const b = await call('GET /api/ui/bootstrap');
      this.settings = b.settings;
      this.settingsReadAt = Date.now();
      this.syncClock(b.serverTime);
      await this.signedIn(b.user as MeWithPolicy | null);
    } finally {
      this.ready = true;
    }
  }

  private async signedIn(user: MeWithPolicy | null): Promise<void> {
    this.user = user;
    if (!user) return;
    openSessionRequests();
    await this.agreeOnLanguage(user);
    this.lastActivity = Date.now();
    this.startIdleWatch();
    await this.findWhatUserMayStart(user);
  }

  /** canStart: the process definitions answer only once no password change or TOTP enrolment is due. */
  private async findWhatUserMayStart(user: MeWithPolicy): Promise<void> {
    this.canStart = false;
    if (this.isBusinessUser && !user.mustChangePassword && !user.mustEnrollTotp) {
      try {
        const defs = await call('GET /api/process-definitions');
        this.canStart = defs.some((d) => d.starters.some((r) => user.roles.includes(r)));
      } catch {
        this.canStart = false;
      }
    }
  }

  /** 'ok', or 'totp' when the account needs a one-time code. Other failures throw ApiError. */
  async login(username: string, password: string, totp?: string): Promise<'ok' | 'totp'> {
    const me = await this.authenticate(username, password, totp);
    if (me === 'totp') return me;
    await this.signedIn(me);
    return 'ok';
  }

  /** The account the server signed in, or 'totp' when it needs a one-time code; not yet this page's user. */
  private async authenticate(username: string, password: string, totp?: string): Promise<MeWithPolicy | 'totp'> {
    try {
      return (await call('POST /api/auth/login', { body: { username, password, ...(totp ? { totp } : {}) } })) as MeWithPolicy;
    } catch (e) {
      if (e instanceof ApiError && e.code === 'TOTP_REQUIRED') return 'totp';
      throw e;
    }
  }

  async refreshMe(): Promise<void> {
    this.user = (await call('GET /api/me')) as MeWithPolicy;
  }

  /**
   * The forced password change (ChangePassword, on the login page or on the lock). Done, the user
   * may go on: the login page lets them in, and the lock lifts with the page as it was. A refusal
   * (PASSWORD_POLICY, CURRENT_PASSWORD_WRONG) throws ApiError.
   */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    const me = (await call('POST /api/auth/password', { body: { currentPassword, newPassword } })) as MeWithPolicy;
    if (this.locked?.step === 'changePassword' && !me.mustChangePassword) {
      await this.signedIn(me);
      this.locked = null;
    } else if (this.user && !this.locked) {
      this.user = { ...this.user, ...me };
      await this.findWhatUserMayStart(this.user);
    }
  }

  /**
   * The enrolment of an authenticator (TotpEnrol, on the login page) ends with a code from it. Done,
   * the user goes on as after a login. A wrong code (TOTP_INVALID) throws ApiError. The secret itself
   * stays with the enrolment step, never here.
   */
  async confirmTotp(code: string): Promise<void> {
    const me = (await call('POST /api/auth/totp/confirm', { body: { code } })) as MeWithPolicy;
    if (!this.user || this.locked) return;
    this.user = { ...this.user, ...me };
    await this.findWhatUserMayStart(this.user);
  }

  async logout(): Promise<void> {
    abortSessionRequests();
    try {
      await call('POST /api/auth/logout');
    } catch {
      /* the session may already be gone */
    }
    this.ended('loggedOut');
  }

  /**
   * The session is over. Unsaved work on the page (idle or expired, not a logout) locks the page,
   * and no request of the ended session goes out meanwhile; otherwise the user is forgotten and the
   * login page shows, remembering where we were.
   */
  ended(reason: EndedBy | 'loggedOut'): void {
    this.stopIdleWatch();
    this.idleSecondsLeft = null;
    if (reason !== 'loggedOut' && this.user && this.unsavedWork.held()) {
      abortSessionRequests();
      this.locked = { reason, username: this.user.username, userId: this.user.id, step: 'login' };
      return;
    }
    this.toLogin(reason, reason !== 'loggedOut');
  }

  private toLogin(reason: EndedBy | 'loggedOut', comeBack: boolean): void {
    this.user = null;
    // A toast may name a case or a 档案号 (办理回避); it stays the user's, not the next one's.
    toasts.clear();
    const here = location.pathname + location.search;
    const next = comeBack && !here.startsWith('/login') ? `&next=${encodeURIComponent(here)}` : '';
    router.navigate(`/login?reason=${reason}${next}`, { replace: true });
  }

  /**
   * 登录 on the lock: the same user again, and the page is as it was. Nothing the ended session
   * refused is sent again: the user submits again. 'totp' when the account needs a one-time code;
   * other failures throw as at the login page. A password reset or expired meanwhile is changed on
   * the lock (step 'changePassword'): the forced change at /login would leave the page and its work.
   */
  async relogin(password: string, totp?: string): Promise<'ok' | 'totp'> {
    const locked = this.locked;
    if (!locked) return 'ok';
    const me = await this.authenticate(locked.username, password, totp);
    if (me === 'totp') return me;
    // The work belongs to the account that typed it (a username given to a new account meanwhile):
    // given up before the page comes back to life under another account.
    if (me.id !== locked.userId) {
      this.unsavedWork.drop();
      this.locked = null;
      router.navigate('/', { replace: true });
      await this.signedIn(me);
    } else if (me.mustChangePassword) {
      // Not at /login (that would leave the page and its work): the change is made on the lock.
      this.locked = { ...locked, step: 'changePassword' };
    } else {
      await this.signedIn(me);
      this.locked = null;
    }
    return 'ok';
  }

  /** 退出 on the lock: the work is given up and the login page shows (not to come back to it). */
  abandon(): void {
    const locked = this.locked;
    if (!locked) return;
    // Logged in again already, the password still to change: that session ends here too.
    if (locked.step === 'changePassword') void call('POST /api/auth/logout', { background: true }).catch(() => undefined);
    this.unsavedWork.drop();
    this.locked = null;
    this.toLogin(locked.reason, false);
  }

  private startIdleWatch(): void {
    this.stopIdleWatch();
    this.timer = setInterval(() => this.checkIdle(), 1000);
  }

  private stopIdleWatch(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private checkIdle(): void {
    if (!this.user || !this.settings || this.locked) return;
    if (Date.now() - this.settingsReadAt >= this.settings.pollSeconds * 1000) void this.rereadSettings();
    const limit = this.settings.sessionIdleSeconds * 1000 - SERVER_TOUCH_SLACK_MS;
    const left = limit - (Date.now() - this.lastActivity);
    if (left <= 0) {
      abortSessionRequests();
      void call('POST /api/auth/logout', { background: true }).catch(() => undefined);
      this.ended('idle');
    } else if (left <= warnBeforeMs(limit)) {
      this.idleSecondsLeft = Math.ceil(left / 1000);
    } else if (this.idleSecondsLeft !== null) {
      this.idleSecondsLeft = null;
    }
  }

  /**
   * The settings as the server has them now (a changed security policy reaches open pages this
   * way). In the background: reading them is no activity. A failed read keeps the ones we have.
   */
  private async rereadSettings(): Promise<void> {
    if (this.settingsReading) return;
    this.settingsReading = true;
    this.settingsReadAt = Date.now();
    try {
      const b = await call('GET /api/ui/bootstrap', { background: true });
      this.takeSettings(b.settings);
      this.syncClock(b.serverTime);
    } catch {
      /* offline, or aborted by a logout: the next interval tries again */
    } finally {
      this.settingsReading = false;
    }
  }

  /**
   * Only what changed is replaced: the effects that read a setting (the counts' poll, for one) start
   * again when it changes, not at every read — a restart asks in the foreground, which is activity.
   */
  private takeSettings(next: ClientSettings): void {
    if (!this.settings) {
      this.settings = next;
      return;
    }
    const current = this.settings as Record<string, unknown>;
    for (const [key, value] of Object.entries(next)) {
      if (JSON.stringify(current[key]) !== JSON.stringify(value)) current[key] = value;
    }
  }

  /** "Stay logged in": any foreground request renews the session on the server. */
  async stay(): Promise<void> {
    await call('GET /api/me');
  }
}

export const session = new Session();
