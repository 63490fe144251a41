// Deployments that wait for a second process administrator's approval (DEPLOY_REQUIRES_APPROVAL):
// the diagram, its forms and the change note as proposed, and what became of them.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deployment_proposals', (t) => {
    t.string('id', 36).primary();
    t.string('process_key', 100).notNullable();
    t.string('name', 200).notNullable();
    /** The version the proposer edited (null for a new process); approval refuses a stale base. */
    t.integer('base_version');
    t.text('xml').notNullable();
    t.string('sha256', 64).notNullable();
    /** The forms the proposer edited, JSON {key: schema} (others come from the base version). */
    t.text('forms').notNullable();
    t.string('note', 500).notNullable();
    t.integer('proposed_by').notNullable().references('id').inTable('users');
    t.string('proposed_at', 30).notNullable();
    /** pending | approved | rejected | withdrawn */
    t.string('status', 12).notNullable();
    t.integer('decided_by').references('id').inTable('users');
    t.string('decided_at', 30);
    t.string('decision_note', 500);
    t.string('deployment_id', 36).references('id').inTable('process_deployments');
    t.index(['status', 'proposed_at']);
    t.index(['process_key', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deployment_proposals');
}
