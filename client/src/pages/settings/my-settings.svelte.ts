// The state of 个人设置: my notification settings and my language as the server last answered, my
// draft, what differs, the server's refusals by field and when it was last saved. Saving sends only
// what changed — the notification part to /api/me/notification-settings, the language to
// /api/me/language — and each answer becomes the values in force. The language in force follows
// the account's while the field is untouched (the header's switch changes it too).
import type { NotificationSettings } from '../../lib/api/types.ts';
import { call } from '../../lib/api/client.ts';
import { ApiError } from '../../lib/api/client.ts';
import { errorText, fieldErrors } from '../../lib/api/errors.ts';
import { i18n, type Locale } from '../../lib/i18n/index.svelte.ts';
import { session } from '../../lib/state/session.svelte.ts';

export type NoticeEvent = NotificationSettings['events'][number]['event'];

export interface Draft {
  digest: boolean;
  /** null: the installation's hour. */
  digestHour: number | null;
  /** The events a user may turn off, on or off. */
  events: Record<string, boolean>;
  language: Locale;
}

const localeOf = (language: string | undefined): Locale => (language === 'en' ? 'en' : 'zh');

function draftOf(s: NotificationSettings, language: Locale): Draft {
  return {
    digest: s.digest,
    digestHour: s.digestHourIsDefault ? null : s.digestHour,
    events: Object.fromEntries(s.events.filter((e) => !e.mandatory).map((e) => [e.event, e.enabled])),
    language,
  };
}

/** The field keys of a draft: digest, digestHour, events.<event>, language. */
function keysOf(d: Draft): string[] {
  return ['digest', 'digestHour', ...Object.keys(d.events).map((e) => `events.${e}`), 'language'];
}

function valueAt(d: Draft, key: string): unknown {
  return key.startsWith('events.') ? d.events[key.slice(7)] : d[key as 'digest' | 'digestHour' | 'language'];
}

export class MySettings {
  /** The server's last answer about notifications (null until loaded). */
  settings = $state<NotificationSettings | null>(null);
  /** The values in force. */
  current = $state<Draft | null>(null);
  draft = $state<Draft>({ digest: false, digestHour: null, events: {}, language: 'zh' });
  loadFailure = $state('');
  /** Field key → the server's refusal, in the user's language. */
  errors = $state<Record<string, string>>({});
  /** A refusal not tied to a field. */
  failure = $state('');
  saving = $state(false);
  savedAt = $state<Date | null>(null);

  readonly changed = $derived(this.current ? keysOf(this.current).filter((k) => valueAt(this.draft, k) !== valueAt(this.current!, k)) : []);
  readonly dirty = $derived(this.changed.length > 0);

  async load(): Promise<void> {
    this.loadFailure = '';
    try {
      const s = await call('GET /api/me/notification-settings');
      this.settings = s;
      this.current = draftOf(s, localeOf(session.user?.language));
      this.draft = structuredClone($state.snapshot(this.current));
    } catch (e) {
      this.loadFailure = errorText(e);
    }
  }

  /** The account's language changed elsewhere (the header): in force now, and in the draft unless edited. */
  followAccount(language: string | undefined): void {
    const now = localeOf(language);
    if (!this.current || this.current.language === now) return;
    if (this.draft.language === this.current.language) this.draft.language = now;
    this.current.language = now;
  }

  revert(): void {
    if (this.current) this.draft = structuredClone($state.snapshot(this.current));
    this.errors = {};
    this.failure = '';
  }

  /** Sends what changed; true when the server took it all. */
  async save(): Promise<boolean> {
    if (!this.current) return false;
    const changed = this.changed;
    const notice: { digest?: boolean; digestHour?: number | null; events?: Record<string, boolean> } = {};
    if (changed.includes('digest')) notice.digest = this.draft.digest;
    if (changed.includes('digestHour')) notice.digestHour = this.draft.digestHour;
    const events = changed.filter((k) => k.startsWith('events.')).map((k) => k.slice(7));
    if (events.length) notice.events = Object.fromEntries(events.map((e) => [e, this.draft.events[e]]));
    this.saving = true;
    this.errors = {};
    this.failure = '';
    const failures: string[] = [];
    try {
      if (Object.keys(notice).length) {
        try {
          const s = await call('PUT /api/me/notification-settings', { body: notice as never });
          this.settings = s;
          const kept = draftOf(s, this.current.language);
          this.current = { ...kept, language: this.current.language };
          // What the server took is in force; the language (if it changed) is still the draft's.
          this.draft = { ...structuredClone(kept), language: this.draft.language };
        } catch (e) {
          failures.push(this.refusal(e));
        }
      }
      if (changed.includes('language')) {
        try {
          const language = this.draft.language;
          await session.setLanguage(language);
          this.current = { ...this.current!, language };
          // The screens follow the account's language: mails and screens speak the same one.
          i18n.adopt(language);
        } catch (e) {
          failures.push(this.refusal(e));
        }
      }
    } finally {
      this.saving = false;
    }
    this.failure = failures.filter(Boolean).join(' ');
    if (failures.length) return false;
    this.savedAt = new Date();
    return true;
  }

  /** Puts a refusal at its fields; returns what no field can show. */
  private refusal(e: unknown): string {
    const at = fieldErrors(e);
    // 督办期限提醒不能关闭: the server names the events it refused.
    const refused = e instanceof ApiError && e.code === 'RULE_VIOLATION' ? (e.details as { events?: unknown } | undefined)?.events : undefined;
    if (Array.isArray(refused) && e instanceof ApiError) for (const ev of refused) at[`events.${ev}`] = i18n.serverText(e.message);
    const known = this.current ? new Set(keysOf(this.current)) : new Set<string>();
    this.errors = { ...this.errors, ...at };
    const placed = Object.keys(at).length > 0 && Object.keys(at).every((k) => known.has(k));
    return placed ? '' : errorText(e);
  }
}
