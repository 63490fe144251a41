// 库房核对 (DOMAIN.md §1.7: registers checked against holdings every year): a stock check of one
// archive office lists every archive the register says is on the shelf, with where it should stand;
// the archivists mark each found (in its place or elsewhere) or missing; the chief closes the check,
// and may set the register's place of each archive found elsewhere to where it was found.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stock_checks', (t) => {
    t.increments('id');
    t.integer('custodian_org_id').notNullable().references('id').inTable('org_units');
    t.string('title', 100).notNullable();
    /** open | closed */
    t.string('status', 10).notNullable();
    t.integer('started_by').notNullable().references('id').inTable('users');
    t.string('started_at', 30).notNullable();
    /** Archives of the office away from the shelf when the check began (on loan, being digitised, being transferred). */
    t.integer('away').notNullable().defaultTo(0);
    t.integer('closed_by').references('id').inTable('users');
    t.string('closed_at', 30);
    t.string('close_note', 500);
    /** Whether closing set the register's place of the archives found elsewhere. */
    t.boolean('locations_fixed').notNullable().defaultTo(false);
    t.index(['custodian_org_id', 'status'], 'stock_checks_office');
  });
  await knex.schema.createTable('stock_check_items', (t) => {
    t.increments('id');
    t.integer('check_id').notNullable().references('id').inTable('stock_checks');
    t.integer('archive_id').notNullable().references('id').inTable('archives');
    /** The register's number and place when the check began. */
    t.string('archive_no', 40).notNullable();
    t.string('store_room', 40);
    t.string('cabinet', 40);
    t.string('shelf', 40);
    /** unchecked | found | misplaced | missing */
    t.string('result', 10).notNullable();
    t.string('found_store_room', 40);
    t.string('found_cabinet', 40);
    t.string('found_shelf', 40);
    t.string('note', 200);
    t.integer('checked_by').references('id').inTable('users');
    t.string('checked_at', 30);
    t.unique(['check_id', 'archive_id'], { indexName: 'stock_check_items_archive' });
    t.index(['check_id', 'result'], 'stock_check_items_result');
    t.index(['check_id', 'archive_no'], 'stock_check_items_no');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('stock_check_items');
  await knex.schema.dropTable('stock_checks');
}
