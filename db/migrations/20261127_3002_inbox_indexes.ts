// Inbox indexes that PostgreSQL can walk in order. The engine's candidate index puts
// assignee_id before sort_due, and PostgreSQL does not treat "assignee_id IS NULL" as pinning
// that column, so it read every open task of a group and sorted them (a sequential scan at 10,000
// open tasks). Partial indexes on "unclaimed" (and "any org") put the sort key right after the
// equalities, for both sort orders (due date, age); SQLite uses them as well.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.index(['status', 'assignee_id', 'created_at'], 'tasks_inbox_assignee_age');
    t.index(['status', 'candidate_role', 'candidate_org_id', 'sort_due'], 'tasks_inbox_offered_due', {
      predicate: knex.whereNull('assignee_id'),
    });
    t.index(['status', 'candidate_role', 'candidate_org_id', 'created_at'], 'tasks_inbox_offered_age', {
      predicate: knex.whereNull('assignee_id'),
    });
    t.index(['status', 'candidate_role', 'sort_due'], 'tasks_inbox_anyorg_due', {
      predicate: knex.whereNull('assignee_id').whereNull('candidate_org_id'),
    });
    t.index(['status', 'candidate_role', 'created_at'], 'tasks_inbox_anyorg_age', {
      predicate: knex.whereNull('assignee_id').whereNull('candidate_org_id'),
    });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    for (const name of ['tasks_inbox_assignee_age', 'tasks_inbox_offered_due', 'tasks_inbox_offered_age', 'tasks_inbox_anyorg_due', 'tasks_inbox_anyorg_age']) {
      t.dropIndex([], name);
    }
  });
}
