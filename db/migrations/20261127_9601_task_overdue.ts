// 待办逾期提醒: when an open task's due date (the diagram's dueDate) has passed, whoever must act is
// told once (server/notify/overdue.ts). `overdue_told_at` marks a task told; the sweep takes it only
// while it is NULL, in the same transaction as the mail, so a restart, a second server or a retry never
// mails twice. Tasks already overdue when this runs are marked told: the upgrade does not mail every
// old overdue task at once (the inbox already shows them red).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.string('overdue_told_at', 30).nullable();
    t.index(['status', 'overdue_told_at', 'sort_due'], 'tasks_overdue_sweep');
  });
  const now = new Date().toISOString();
  await knex('tasks').where({ status: 'open' }).whereNotNull('due_at').andWhere('due_at', '<', now).update({ overdue_told_at: now });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('tasks', (t) => {
    t.dropIndex(['status', 'overdue_told_at', 'sort_due'], 'tasks_overdue_sweep');
  });
  // A plain DROP COLUMN on both: knex's dropColumn rebuilds SQLite's table.
  await knex.raw('ALTER TABLE tasks DROP COLUMN overdue_told_at');
}
