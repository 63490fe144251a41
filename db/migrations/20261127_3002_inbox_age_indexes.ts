// The inbox sorts by due date (indexed by the engine migration) or by age (created_at): one index
// per access path for the age order too, so "oldest first" stays an index walk at any size.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['status', 'assignee_id', 'created_at'], 'tasks_inbox_assignee_age');
    t.index(['status', 'candidate_role', 'candidate_org_id', 'assignee_id', 'created_at'], 'tasks_inbox_candidate_age');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex([], 'tasks_inbox_assignee_age');
    t.dropIndex([], 'tasks_inbox_candidate_age');
  });
}
