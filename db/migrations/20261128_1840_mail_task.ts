// A task notice (task_assigned, task_offered, task_overdue) names its task, so that the worker, at
// send time and when it composes a digest, can drop a notice whose task is no longer open or no
// longer the recipient's (status `obsolete`: nothing failed, there is nothing to tell any more).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('mail_outbox', (t) => {
    t.string('task_id', 36);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE mail_outbox DROP COLUMN task_id');
}
