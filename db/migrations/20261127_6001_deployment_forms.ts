// Forms versioned with the process: each deployment carries the form-js schemas its diagram names,
// so a case keeps validating against the forms of the version it started on.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('deployment_forms', (t) => {
    t.string('deployment_id', 36).notNullable().references('id').inTable('process_deployments');
    t.string('form_key', 100).notNullable();
    /** The form-js schema as JSON text. */
    t.text('schema').notNullable();
    t.string('sha256', 64).notNullable();
    t.primary(['deployment_id', 'form_key']);
    // "The newest deployed schema of a form" (a form an administrator created for one process).
    t.index(['form_key']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('deployment_forms');
}
