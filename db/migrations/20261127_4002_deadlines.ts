// 督办: every legal or process deadline that someone must meet, across all processes.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deadlines', (t) => {
    t.string('id', 36).primary();
    /** loan_due | receipt | handover | transfer | review | viewing_window */
    t.string('kind', 20).notNullable();
    /** A case reference for the list (process name and case number), never record content. */
    t.string('subject', 200).notNullable();
    t.string('instance_id', 36).references('id').inTable('process_instances');
    /** Tells apart several deadlines of one kind in one case ('' when there is one). */
    t.string('ref', 100).notNullable().defaultTo('');
    /** Whose people see it (the borrower's unit, the producing unit, the archive office …). */
    t.integer('org_unit_id').notNullable().references('id').inTable('org_units');
    /** The archive office answerable for it: its staff and its leaders see it too. */
    t.integer('custodian_org_id').references('id').inTable('org_units');
    t.string('opened_at', 30).notNullable();
    /** The light turns yellow at warn_at and red at due_at. */
    t.string('warn_at', 30).notNullable();
    t.string('due_at', 30).notNullable();
    /** open | closed | cancelled */
    t.string('status', 12).notNullable();
    t.string('closed_at', 30);
    t.index(['status', 'due_at']);
    t.index(['org_unit_id', 'status', 'due_at']);
    t.index(['custodian_org_id', 'status', 'due_at']);
    t.index(['instance_id', 'kind', 'ref']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deadlines');
}
