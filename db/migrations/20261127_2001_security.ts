// Security: the settings table (security policy and system settings that override config.ts
// defaults), password history, per-IP rate-limit counters, the backup ledger, and the columns
// login needs on users (last login, a TOTP secret awaiting confirmation).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('settings', (t) => {
    t.string('key', 80).primary();
    /** JSON text of the value. */
    t.text('value').notNullable();
    t.string('updated_at', 30).notNullable();
    t.integer('updated_by').references('id').inTable('users');
  });

  await knex.schema.createTable('password_history', (t) => {
    t.increments('id');
    t.integer('user_id').notNullable().references('id').inTable('users');
    /** The scrypt hash a password had before it was replaced; never the password. */
    t.string('password_hash', 200).notNullable();
    t.string('replaced_at', 30).notNullable();
    t.index(['user_id', 'id']);
  });

  await knex.schema.createTable('rate_limits', (t) => {
    /** e.g. 'login-fail:10.1.2.3' */
    t.string('bucket', 120).notNullable();
    /** Start of the fixed window, ISO-8601 UTC. */
    t.string('window_start', 30).notNullable();
    t.integer('count').notNullable().defaultTo(0);
    t.primary(['bucket', 'window_start']);
    t.index(['window_start']);
  });

  await knex.schema.createTable('backups', (t) => {
    t.increments('id');
    t.string('at', 30).notNullable();
    /** sqlite | pg */
    t.string('kind', 10).notNullable();
    /** Where the copy went: disk, optical (一次性刻录光盘), tape, remote, usb. */
    t.string('medium', 20).notNullable();
    t.integer('operator_id').references('id').inTable('users');
    /** The console user, or 'os:<account>' when run from the command line. */
    t.string('operator', 100).notNullable();
    t.string('path', 500).notNullable();
    /** Bytes of every file of the backup. */
    t.bigInteger('size').notNullable();
    /** sha256 of the backup's manifest.json, which lists the sha256 of every file. */
    t.string('sha256', 64).notNullable();
    t.integer('files').notNullable();
    t.bigInteger('audit_seq').notNullable();
    t.index(['at']);
  });

  await knex.schema.alterTable('users', (t) => {
    t.string('last_login_at', 30);
    /** Secret shown at enrolment, moved to totp_secret once the user proves it with a code. */
    t.string('totp_pending_secret', 64);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropColumn('last_login_at');
    t.dropColumn('totp_pending_secret');
  });
  for (const t of ['backups', 'rate_limits', 'password_history', 'settings']) await knex.schema.dropTable(t);
}
