// Each user's notification settings: which optional events mail them, and whether mail comes as one
// daily digest. Deadline warnings of the field (MANDATORY_EVENTS) cannot be turned off, only digested.
import type { Config } from '../config.ts';
import type { Db } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import { errors } from '../errors.ts';
import type { AuditLog } from '../audit/service.ts';
import type { SessionUser } from '../people/sessions.ts';
import { MANDATORY_EVENTS, NOTICE_EVENTS, type NoticeEvent } from './templates.ts';
import { nextDigestAt } from './beijing.ts';
import * as store from './store.ts';

export interface SettingsView {
  digest: boolean;
  digestHour: number;
  /** Whether the user picked the hour or has the installation's default. */
  digestHourIsDefault: boolean;
  /** The installation's hour (MAIL_DIGEST_HOUR), which applies while the user picked none. */
  defaultDigestHour: number;
  events: Array<{ event: NoticeEvent; enabled: boolean; mandatory: boolean }>;
}

export interface SettingsChange {
  digest?: boolean;
  /** null: back to the installation's default hour. */
  digestHour?: number | null;
  events?: Partial<Record<NoticeEvent, boolean>>;
}

export class NotificationSettings {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly config: Pick<Config, 'mail'>,
    private readonly audit: AuditLog,
  ) {}

  async get(userId: number): Promise<SettingsView> {
    const s = (await store.settingsOf(this.db, [userId])).get(userId);
    return this.view(s);
  }

  private view(s: store.SettingsRow | undefined): SettingsView {
    const muted = new Set(s?.muted_events ?? []);
    return {
      digest: s?.digest ?? false,
      digestHour: s?.digest_hour ?? this.config.mail.digestHour,
      digestHourIsDefault: s?.digest_hour === null || s?.digest_hour === undefined,
      defaultDigestHour: this.config.mail.digestHour,
      events: NOTICE_EVENTS.map((event) => {
        const mandatory = MANDATORY_EVENTS.includes(event);
        return { event, enabled: mandatory || !muted.has(event), mandatory };
      }),
    };
  }

  async update(user: SessionUser, ip: string, change: SettingsChange): Promise<SettingsView> {
    const refused = Object.entries(change.events ?? {})
      .filter(([event, on]) => on === false && MANDATORY_EVENTS.includes(event as NoticeEvent))
      .map(([event]) => event);
    if (refused.length) {
      throw errors.rule('mandatory_notice', '此类提醒必须接收，不能关闭（期限提醒、无人可办、逾期等可改为每日汇总） / These notices cannot be turned off (deadline, unstaffed and overdue notices may come in the daily digest)', {
        events: refused,
      });
    }
    return this.db.transaction(async (trx) => {
      const cur = (await store.settingsOf(trx, [user.id])).get(user.id);
      const muted = new Set(cur?.muted_events ?? []);
      for (const [event, on] of Object.entries(change.events ?? {})) {
        if (on) muted.delete(event);
        else muted.add(event);
      }
      const now = this.clock.now();
      const next: store.SettingsRow = {
        user_id: user.id,
        muted_events: NOTICE_EVENTS.filter((e) => muted.has(e)),
        digest: change.digest ?? cur?.digest ?? false,
        digest_hour: change.digestHour === undefined ? (cur?.digest_hour ?? null) : change.digestHour,
        updated_at: iso(now),
      };
      await store.saveSettings(trx, next);
      if (!next.digest) {
        // Nothing held is lost: it goes out on its own now.
        await store.releaseHeld(trx, user.id, iso(now));
      } else if (cur?.digest && next.digest_hour !== cur.digest_hour) {
        await store.moveHeld(trx, user.id, iso(nextDigestAt(now, next.digest_hour ?? this.config.mail.digestHour)));
      }
      await this.audit.record(trx, {
        actor: user,
        ip,
        action: 'notify.settings',
        objectType: 'user',
        objectId: user.id,
        detail: { digest: next.digest, digestHour: next.digest_hour, muted: next.muted_events },
      });
      return this.view(next);
    });
  }
}
