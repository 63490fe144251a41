// 结束阅档 by each reader: every applicant of an electronic reading ends their own reading with the
// confirmation and a note. The grant keeps the reader's own note (`end_note`) when they end it
// (revoke_reason `finished`), and the 查阅登记簿 entry keeps every reader's signature — who, when,
// their note — as JSON [{userId, name, signedAt, note}] (`signatures`), where before only the
// initiator's note was kept and a co-applicant's was dropped. Entries written before have none.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('archive_grants', (t) => {
    t.text('end_note');
  });
  await knex.schema.alterTable('reading_register', (t) => {
    t.text('signatures');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('reading_register', (t) => {
    t.dropColumn('signatures');
  });
  await knex.schema.alterTable('archive_grants', (t) => {
    t.dropColumn('end_note');
  });
}
