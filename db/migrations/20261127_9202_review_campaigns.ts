// 专项审核工作 (DOMAIN.md §6.6 "Related": 专项审核 campaigns): an office reviews a set of its archives
// by a date — all it holds, or the cadres of some management levels. Opening a campaign lists the
// archives it holds then (like 库房核对, so the count stays that day's); each review made for the
// campaign names it; the campaign shows how far the work has come and is closed by the chief.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('review_campaigns', (t) => {
    t.increments('id');
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    t.string('title', 100).notNullable();
    /** JSON array of management levels (MANAGEMENT_LEVELS); [] = every archive the office holds. */
    t.string('management_levels', 100).notNullable();
    /** Beijing calendar day by which the reviews are to be confirmed. */
    t.string('due_date', 10).notNullable();
    /** open | closed */
    t.string('status', 10).notNullable();
    t.integer('started_by').notNullable().references('id').inTable('users');
    t.string('started_at', 30).notNullable();
    t.integer('closed_by').references('id').inTable('users');
    t.string('closed_at', 30);
    t.string('close_note', 500);
    /** The campaign's 督办 row (deadlines.id). */
    t.string('deadline_id', 36);
    t.index(['custodian_org_id', 'status'], 'review_campaigns_office');
  });
  await knex.schema.createTable('review_campaign_items', (t) => {
    t.increments('id');
    t.integer('campaign_id').notNullable().references('id').inTable('review_campaigns');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.unique(['campaign_id', 'archive_id'], { indexName: 'review_campaign_items_archive' });
  });
  await knex.schema.alterTable('archive_reviews', (t) => {
    t.integer('campaign_id').references('id').inTable('review_campaigns');
    t.index(['campaign_id', 'archive_id'], 'archive_reviews_campaign');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('archive_reviews', (t) => {
    t.dropIndex(['campaign_id', 'archive_id'], 'archive_reviews_campaign');
    t.dropColumn('campaign_id');
  });
  await knex.schema.dropTable('review_campaign_items');
  await knex.schema.dropTable('review_campaigns');
}
