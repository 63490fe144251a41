// A 转出 that a 任免 notice started and the archivist cancels (撤销：任免变动撤销或有误) takes the
// notice back: the cadre's unit, post and management level return to what they were before it. The
// position change keeps what became of it: `reverted_at` and `revert_result` — `reverted` (the
// fields went back) or `kept` (they had changed again since the notice; nothing was overwritten and
// the archivist must correct the position by hand). Rows before have neither.
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('position_changes', (t) => {
    t.string('reverted_at', 30);
    t.string('revert_result', 10);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('position_changes', (t) => {
    t.dropColumn('revert_result');
    t.dropColumn('reverted_at');
  });
}
