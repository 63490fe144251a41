// One account ↔ at most one cadre, one cadre ↔ at most one account: the security administrator links
// an account to the cadre it is (by ID number, server/admin/cadre-link.ts), and nobody reads their own
// archive or a relative's through that link. The plain index on users.cadre_id becomes a unique one
// (NULLs — accounts of no cadre — are many on both SQLite and PostgreSQL); it also settles two links
// of one cadre racing each other.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX users_cadre_id_index');
  await knex.raw('CREATE UNIQUE INDEX users_cadre_id_unique ON users (cadre_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX users_cadre_id_unique');
  await knex.raw('CREATE INDEX users_cadre_id_index ON users (cadre_id)');
}
