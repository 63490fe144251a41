// The workflow runtime's tables: deployments, instances, tasks, history, jobs.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('process_deployments', (t) => {
    t.string('id', 36).primary();
    t.string('process_key', 100).notNullable();
    t.integer('version').notNullable();
    t.string('name', 200).notNullable();
    t.text('xml').notNullable();
    t.string('sha256', 64).notNullable();
    t.integer('deployed_by').references('id').inTable('users');
    t.string('deployed_at', 30).notNullable();
    t.string('note', 500);
    t.unique(['process_key', 'version']);
  });

  await knex.schema.createTable('process_instances', (t) => {
    t.string('id', 36).primary();
    t.string('deployment_id', 36).notNullable().references('id').inTable('process_deployments');
    t.string('process_key', 100).notNullable();
    t.integer('version').notNullable();
    t.string('business_key', 100);
    /** running | completed | terminated | incident | suspended */
    t.string('status', 20).notNullable();
    t.integer('rev').notNullable().defaultTo(0);
    /** bpmn-engine state without the embedded definition source. */
    t.text('state').notNullable();
    /** Our process variables (the `dangan` namespace), for reads without recovering the engine. */
    t.text('variables').notNullable();
    /** Element ids where tokens wait (tasks, timers, messages), for the diagram overlay. */
    t.text('active_elements').notNullable().defaultTo('[]');
    t.integer('started_by').references('id').inTable('users');
    t.string('started_at', 30).notNullable();
    t.string('ended_at', 30);
    t.string('end_reason', 500);
    t.index(['process_key', 'status']);
    t.index(['started_by', 'started_at']);
    t.index(['deployment_id', 'status']);
    t.index(['business_key']);
  });

  await knex.schema.createTable('tasks', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().references('id').inTable('process_instances');
    t.string('process_key', 100).notNullable();
    t.string('element_id', 100).notNullable();
    t.string('execution_id', 120).notNullable();
    t.string('name', 200).notNullable();
    t.integer('assignee_id').references('id').inTable('users');
    t.string('candidate_role', 40);
    t.integer('candidate_org_id').references('id').inTable('org_units');
    t.string('form_key', 100);
    t.string('due_at', 30);
    /** due_at, or a far-future sentinel when there is none: an indexable sort key. */
    t.string('sort_due', 30).notNullable();
    /** open | completed | cancelled */
    t.string('status', 12).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('claimed_at', 30);
    t.string('completed_at', 30);
    t.integer('completed_by').references('id').inTable('users');
    t.string('outcome', 40);
    t.string('comment', 2000);
    t.index(['instance_id']);
    // Inbox: one index per access path, each read with ORDER BY due_at LIMIT n (ENGINE-NOTES cost).
    t.index(['status', 'assignee_id', 'sort_due'], 'tasks_inbox_assignee');
    t.index(['status', 'candidate_role', 'candidate_org_id', 'assignee_id', 'sort_due'], 'tasks_inbox_candidate');
    t.index(['completed_by', 'completed_at'], 'tasks_completed_by');
  });

  await knex.schema.createTable('history', (t) => {
    t.increments('id');
    t.string('instance_id', 36).notNullable().references('id').inTable('process_instances');
    t.string('element_id', 100).notNullable();
    t.string('element_type', 60).notNullable();
    t.string('element_name', 200);
    /** start | end | discard | timeout | error | cancel */
    t.string('event', 20).notNullable();
    t.string('execution_id', 120);
    t.integer('actor_id').references('id').inTable('users');
    t.string('at', 30).notNullable();
    t.text('detail');
    t.index(['instance_id', 'id']);
  });

  await knex.schema.createTable('jobs', (t) => {
    t.string('id', 36).primary();
    /** timer */
    t.string('type', 20).notNullable();
    t.string('instance_id', 36).notNullable().references('id').inTable('process_instances');
    t.string('element_id', 100).notNullable();
    t.string('execution_id', 120).notNullable();
    t.string('due_at', 30).notNullable();
    /** pending | done | cancelled | incident */
    t.string('status', 12).notNullable();
    t.integer('retries_left').notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.string('lock_owner', 64);
    t.string('locked_until', 30);
    t.string('created_at', 30).notNullable();
    t.string('done_at', 30);
    t.index(['status', 'due_at']);
    t.index(['instance_id', 'status']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['jobs', 'history', 'tasks', 'process_instances', 'process_deployments']) await knex.schema.dropTable(t);
}
