// 督办: a subject the system writes (查阅/借阅 …, 数字化出库 …, 专项审核 …) is kept as a code and its
// values, so that each reader sees it in their language (the client's i18n, the mail templates).
// `subject` stays the Chinese text: the rows written before keep showing what they stored.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('deadlines', (t) => {
    /** loan | digitisation_out | digitisation_missing | review_campaign (server/deadlines/subjects.ts); null: `subject` as written. */
    t.string('subject_code', 40);
    /** The code's values as a JSON object of strings (a case number, a count, a campaign's title). */
    t.text('subject_params');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE deadlines DROP COLUMN subject_params');
  await knex.raw('ALTER TABLE deadlines DROP COLUMN subject_code');
}
