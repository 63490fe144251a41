// 专项审核工作: the office's chief is told once, CAMPAIGN_REMINDER_DAYS before a campaign's due day,
// of the archives not yet confirmed (server/reviews/campaign-reminders.ts). The mark makes it once:
// a second server, a retry or the next poll finds it set.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('review_campaigns', (t) => {
    /** When the chief was told the due day nears (null: not yet). */
    t.string('reminded_at', 30);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE review_campaigns DROP COLUMN reminded_at');
}
