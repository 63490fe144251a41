// A backup that failed is kept in the ledger beside the ones made, so the office sees the gap in
// its backups there and not only in the audit log: when, who, to which medium, and why (the error
// code the console translates, and the reason as the operator was told it, in Chinese and English).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('backup_failures', (t) => {
    t.increments('id');
    t.string('at', 30).notNullable();
    t.string('medium', 20).notNullable();
    t.integer('operator_id').references('id').inTable('users');
    t.string('operator', 100).notNullable();
    t.string('code', 40).notNullable();
    t.string('reason', 500).notNullable();
    t.index(['at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backup_failures');
}
