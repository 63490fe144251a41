// Audit checkpoints and retention. A checkpoint is a signed {seq, hash, at} of the chain's head
// (Ed25519; the key lives in a file, not here). audit_retention holds the configured retention;
// the delete trigger replaces the foundation's blanket refusal: a row may be deleted only when it
// is older than max(180 days, retention) by the database's own clock AND a checkpoint covers it.
// So even plain SQL cannot prune young rows or rows no signature vouches for. UPDATE stays refused.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_checkpoints', (t) => {
    t.increments('id');
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
    t.string('at', 30).notNullable();
    /** First 16 hex of sha256 over the public key (SPKI DER). */
    t.string('key_id', 16).notNullable();
    t.string('signature', 120).notNullable();
    /** periodic | manual | prune | backup */
    t.string('reason', 12).notNullable();
    t.index(['seq']);
  });
  await knex.schema.createTable('audit_retention', (t) => {
    t.integer('id').primary();
    t.integer('days').notNullable();
  });
  await knex('audit_retention').insert({ id: 1, days: 180 });
  // The auditor searches by username (failed logins of unknown names have no actor_id).
  await knex.schema.alterTable('audit_log', (t) => t.index(['actor', 'at']));

  if (knex.client.config.client === 'pg') {
    await knex.raw(`
      DROP TRIGGER audit_log_no_change ON audit_log;
      CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE FUNCTION audit_log_guard_delete() RETURNS trigger AS $$
      DECLARE keep_days integer;
      BEGIN
        SELECT greatest(180, coalesce(max(days), 180)) INTO keep_days FROM audit_retention;
        IF OLD.at >= to_char((now() AT TIME ZONE 'UTC') - make_interval(days => keep_days), 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
           OR NOT EXISTS (SELECT 1 FROM audit_checkpoints WHERE seq >= OLD.seq) THEN
          RAISE EXCEPTION 'audit_log: only rows older than the retention period and covered by a checkpoint may be deleted';
        END IF;
        RETURN OLD;
      END $$ LANGUAGE plpgsql;
      CREATE TRIGGER audit_log_guarded_delete BEFORE DELETE ON audit_log
        FOR EACH ROW EXECUTE FUNCTION audit_log_guard_delete();
      CREATE TRIGGER audit_checkpoints_no_change BEFORE UPDATE OR DELETE ON audit_checkpoints
        FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
      CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON audit_checkpoints
        FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
    `);
  } else {
    await knex.raw('DROP TRIGGER audit_log_no_delete');
    await knex.raw(`CREATE TRIGGER audit_log_guarded_delete BEFORE DELETE ON audit_log
      WHEN OLD.at >= strftime('%Y-%m-%dT%H:%M:%fZ', 'now',
             '-' || max(180, coalesce((SELECT days FROM audit_retention WHERE id = 1), 180)) || ' days')
        OR NOT EXISTS (SELECT 1 FROM audit_checkpoints WHERE seq >= OLD.seq)
      BEGIN SELECT RAISE(ABORT, 'audit_log: only rows older than the retention period and covered by a checkpoint may be deleted'); END;`);
    await knex.raw(`CREATE TRIGGER audit_checkpoints_no_update BEFORE UPDATE ON audit_checkpoints
      BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;`);
    await knex.raw(`CREATE TRIGGER audit_checkpoints_no_delete BEFORE DELETE ON audit_checkpoints
      BEGIN SELECT RAISE(ABORT, 'audit_checkpoints is append-only'); END;`);
  }
}

export async function down(): Promise<void> {
  throw new Error('the audit log is never rolled back');
}
