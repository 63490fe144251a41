// 专项审核工作 due soon: CAMPAIGN_REMINDER_DAYS (default 3) Beijing days before an open campaign's
// due day, the chief of its office is told once — by mail, or in his digest, as he chose — how many
// of its archives are not confirmed yet (未开始, 审核中, 待复核), with a link to the campaign. A
// campaign whose archives are all confirmed is marked and tells nobody; a closed one tells nobody,
// nor one already past its day when first seen (its 督办 row is red: that says it).
// Swept with the overdue tasks (notify/overdue.ts, every minute) under the service clock. Each
// campaign is marked (review_campaigns.reminded_at, a conditional update) in the transaction that
// writes the mail, so a second server, a crash before the commit or the next poll mails once.
// An office with no chief to tell (nobody holds archive_chief there, or only disabled accounts) is
// NOT marked: the transaction is rolled back and the next poll tries again, until a chief is there
// to tell or the due day has passed (campaignsToRemind) — so a chief appointed in those days still
// hears. Not logged: it would repeat every minute; the campaign's 督办 row says it is due.
import type { Db, Trx } from '../db.ts';
import type { Clock } from '../clock.ts';
import { iso } from '../clock.ts';
import type { Config } from '../config.ts';
import type { NotifyService } from '../notify/service.ts';
import { oneLine } from '../notify/templates.ts';
import { beijingDay } from '../notify/beijing.ts';
import { addCalendarDays } from '../materials/deps.ts';
import * as notifyStore from '../notify/store.ts';
import { subjectIn } from '../deadlines/subjects.ts';
import * as deadlineStore from '../deadlines/store.ts';
import * as store from './campaign-store.ts';
import { progressOf } from './campaigns.ts';

/** Thrown inside a reminder's transaction to undo its mark: nobody was there to tell. */
class NobodyToTell extends Error {}

export class CampaignReminders {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly notify: NotifyService,
    private readonly config: Pick<Config, 'deadlines'>,
  ) {}

  /** Tells of every campaign due within the reminder days and not told of yet; returns how many told someone. */
  async sweep(): Promise<number> {
    const now = this.clock.now();
    const today = beijingDay(now);
    let told = 0;
    for (const { id } of await store.campaignsToRemind(this.db, today, addCalendarDays(today, this.config.deadlines.campaignReminderDays))) {
      try {
        if (await this.db.transaction((trx) => this.remind(trx, id, iso(now)))) told++;
      } catch (e) {
        if (!(e instanceof NobodyToTell)) throw e;
      }
    }
    return told;
  }

  private async remind(trx: Trx, id: number, at: string): Promise<boolean> {
    if (!(await store.markReminded(trx, id, at))) return false;
    const c = await store.lockCampaign(trx, id);
    if (!c) return false;
    // Counted as the campaign's page counts them (campaigns.ts): every archive confirmed tells nobody, marked.
    const { total, confirmed, byState: by } = progressOf((await store.stateCounts(trx, [id])).get(id) ?? []);
    const pending = total - confirmed;
    if (!pending) return false;
    // The campaign as its 督办 row names it, in each reader's language (its title as the chief typed it).
    const row = c.deadline_id ? await deadlineStore.subjectOf(trx, c.deadline_id) : undefined;
    const campaign = row ? { zh: subjectIn(row, 'zh'), en: subjectIn(row, 'en') } : oneLine(c.title, 100);
    const result = await this.notify.notify(trx, {
      event: 'campaign_due_soon',
      recipients: [{ role: 'archive_chief', orgUnitId: c.custodian_org_id }],
      vars: {
        campaign,
        officeName: oneLine((await notifyStore.orgName(trx, c.custodian_org_id)) ?? '—'),
        dueDate: c.due_date,
        pending,
        notStarted: by.not_started,
        drafts: by.draft,
        submitted: by.submitted,
      },
      link: { campaign: id },
      key: `campaign_due:${id}:${c.due_date}`,
    });
    // Nobody there at all (no active chief): undo the mark and try again at the next poll. A chief
    // who muted it or has a refused address was reached as far as he can be: marked.
    if (Object.values(result).every((n) => n === 0)) throw new NobodyToTell();
    return result.queued + result.held > 0;
  }
}
