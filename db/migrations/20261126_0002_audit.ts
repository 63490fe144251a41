// The append-only, hash-chained audit log (DESIGN.md "Audit"). audit_head holds the chain's
// head and is the lock under which seq is assigned. Triggers refuse UPDATE and DELETE.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_log', (t) => {
    t.bigInteger('seq').primary();
    t.string('at', 30).notNullable();
    t.integer('actor_id');
    t.string('actor', 64);
    t.string('role', 200);
    t.string('ip', 64);
    t.string('action', 64).notNullable();
    t.string('object_type', 40);
    t.string('object_id', 64);
    t.integer('org_unit_id');
    /** success | failure | denied */
    t.string('outcome', 12).notNullable();
    /** Small, content-free facts (reason codes, counts); never record content or secrets. */
    t.text('detail');
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.index(['at']);
    t.index(['actor_id', 'at']);
    t.index(['action', 'at']);
    t.index(['object_type', 'object_id']);
  });
  await knex.schema.createTable('audit_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
  });
  await knex('audit_head').insert({ id: 1, seq: 0, hash: '0'.repeat(64) });

  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
      BEGIN RAISE EXCEPTION 'audit_log is append-only'; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER audit_log_no_change BEFORE UPDATE OR DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `);
  } else {
    await knex.raw(`CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`);
    await knex.raw(`CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
      BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;`);
  }
}

export async function down(): Promise<void> {
  throw new Error('the audit log is never rolled back');
}
