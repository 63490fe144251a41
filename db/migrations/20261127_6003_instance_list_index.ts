// 运行监控's case list: the cases of a process, newest first.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.index(['process_key', 'started_at'], 'process_instances_key_started');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('process_instances', (t) => {
    t.dropIndex(['process_key', 'started_at'], 'process_instances_key_started');
  });
}
