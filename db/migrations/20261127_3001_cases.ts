// The case index of the inbox and "my applications" (one row per process instance: who applied,
// from which unit, what about, how it ended), plus the comments and attachments of a case.
// The engine's tables stay as they are: these rows are kept by server/workflow/ through engine hooks.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('workflow_cases', (t) => {
    t.string('instance_id', 36).primary().references('id').inTable('process_instances');
    t.string('process_key', 100).notNullable();
    t.string('process_name', 200).notNullable();
    /** What the case is about, as the process states it (variables.caseSubject); may be null. */
    t.string('subject', 300);
    t.integer('initiator_id').references('id').inTable('users');
    t.string('initiator_name', 100);
    /** 申请单位: the initiator's unit when the case started (the inbox "unit" filter). */
    t.integer('initiator_org_id').references('id').inTable('org_units');
    t.string('initiator_org_name', 200);
    /** Materialised path of that unit ('/1/2/5/'), so a unit filter takes its whole subtree. */
    t.string('initiator_org_path', 400);
    /** Lower-cased text the inbox search box matches. */
    t.string('search_text', 1000).notNullable().defaultTo('');
    t.string('started_at', 30).notNullable();
    t.string('ended_at', 30);
    /** How it ended: the end event's name (已批准, 已驳回 …), or 'withdrawn'. */
    t.string('outcome', 200);
    t.string('outcome_element_id', 100);
    t.index(['initiator_id', 'started_at'], 'workflow_cases_initiator');
    t.index(['initiator_org_path'], 'workflow_cases_org_path');
  });

  await knex.schema.createTable('case_comments', (t) => {
    t.increments('id');
    t.string('instance_id', 36).notNullable().references('id').inTable('process_instances');
    t.integer('author_id').notNullable().references('id').inTable('users');
    t.string('body', 2000).notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['instance_id', 'id'], 'case_comments_instance');
  });

  await knex.schema.createTable('case_attachments', (t) => {
    t.string('id', 36).primary();
    t.string('instance_id', 36).notNullable().references('id').inTable('process_instances');
    t.integer('uploader_id').notNullable().references('id').inTable('users');
    /** The name the user gave the file (shown, never used as a path). */
    t.string('file_name', 200).notNullable();
    /** From our allow-list, decided by the file's bytes, not by what the browser claimed. */
    t.string('content_type', 100).notNullable();
    t.integer('size_bytes').notNullable();
    t.string('sha256', 64).notNullable();
    /** Path under <DANGAN_DATA_DIR>/attachments/, built from ids only. */
    t.string('storage_key', 200).notNullable();
    t.string('created_at', 30).notNullable();
    t.index(['instance_id', 'created_at'], 'case_attachments_instance');
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of ['case_attachments', 'case_comments', 'workflow_cases']) await knex.schema.dropTable(t);
}
