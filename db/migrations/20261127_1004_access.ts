// Access beyond custody: grants that an approved request opens (written by the processes) and
// the per-user avoidance lists (档案人员规避) kept by the security administrator.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('archive_grants', (t) => {
    t.increments('id');
    t.integer('grantee_user_id').notNullable().references('id').inTable('users');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    /** JSON array of granted category codes ('4' covers 4-1…4-4). */
    t.text('categories').notNullable();
    t.string('valid_from', 30).notNullable();
    t.string('valid_until', 30).notNullable();
    t.string('revoked_at', 30);
    t.string('instance_id', 36);
    t.integer('created_by').references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    t.index(['grantee_user_id', 'archive_id']);
    t.index(['archive_id']);
  });

  await knex.schema.createTable('avoidance_entries', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    t.string('reason', 200).notNullable();
    t.integer('created_by').references('id').inTable('users');
    t.string('created_at', 30).notNullable();
    /** Lifted entries stay for the record. */
    t.string('removed_at', 30);
    t.integer('removed_by').references('id').inTable('users');
    t.index(['user_id', 'cadre_id']);
    t.index(['cadre_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['avoidance_entries', 'archive_grants']) await knex.schema.dropTable(t);
}
