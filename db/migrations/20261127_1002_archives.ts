// Archives (档案): number, 正本/副本, volumes, location, status and digital status, and the
// history of every status change (changeArchiveStatus is the only writer of status).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('archives', (t) => {
    t.increments('id');
    t.integer('cadre_id').notNullable().references('id').inTable('cadres');
    t.string('archive_no', 40).notNullable().unique(); // 档案号
    /** original (正本) | copy (副本) */
    t.string('kind', 10).notNullable();
    t.integer('volumes').notNullable().defaultTo(1); // 卷数
    /** The office that holds it; changes on transfer. The truth of custody. */
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    t.string('store_room', 40); // 库房
    t.string('cabinet', 40); // 柜
    t.string('shelf', 40); // 格
    /** in_stock | on_loan | digitizing | transferring | transferred | retired | deceased | archived_state */
    t.string('status', 20).notNullable();
    /** none | partial | done | verified */
    t.string('digital_status', 12).notNullable().defaultTo('none');
    t.integer('last_audit_score');
    t.string('created_at', 30).notNullable();
    t.string('updated_at', 30).notNullable();
    t.unique(['cadre_id', 'kind', 'custodian_org_id']);
    t.index(['custodian_org_id', 'kind', 'cadre_id'], 'archives_custodian');
    t.index(['cadre_id']);
  });

  await knex.schema.createTable('archive_status_history', (t) => {
    t.increments('id');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    t.string('from_status', 20);
    t.string('to_status', 20).notNullable();
    t.string('reason', 500).notNullable();
    t.string('instance_id', 36);
    t.integer('actor_id').references('id').inTable('users');
    t.string('at', 30).notNullable();
    t.index(['archive_id', 'id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['archive_status_history', 'archives']) await knex.schema.dropTable(t);
}
