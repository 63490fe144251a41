// A start key stands for one application: the hash of what was sent with it (process key,
// variables, the form version) is kept beside the key, so that a retry is told from a different
// application sent under a key already used (server/workflow/service.ts answers that 409
// IDEMPOTENCY_KEY_REUSED). NULL for cases filed before: their keys replay as they did.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('workflow_cases', (t) => {
    t.string('start_hash', 64).nullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  // A plain DROP COLUMN on both: knex's dropColumn rebuilds SQLite's table.
  await knex.raw('ALTER TABLE workflow_cases DROP COLUMN start_hash');
}
