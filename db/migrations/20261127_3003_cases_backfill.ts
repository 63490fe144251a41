// Backfill of workflow_cases for instances started before the case index existed. Self-contained
// on purpose (a migration must not change when application code does later).
import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  const missing = await knex('process_instances as pi')
    .leftJoin('workflow_cases as c', 'c.instance_id', 'pi.id')
    .whereNull('c.instance_id')
    .join('process_deployments as d', 'd.id', 'pi.deployment_id')
    .leftJoin('users as u', 'u.id', 'pi.started_by')
    .leftJoin('org_units as o', 'o.id', 'u.org_unit_id')
    .select(
      'pi.id',
      'pi.process_key',
      'pi.business_key',
      'pi.status',
      'pi.started_by',
      'pi.started_at',
      'pi.ended_at',
      'd.name as process_name',
      'u.display_name',
      'o.id as org_id',
      'o.name as org_name',
      'o.path as org_path',
    );
  for (const r of missing) {
    let outcome: string | null = null;
    let outcomeElement: string | null = null;
    if (r.status === 'terminated') outcome = 'withdrawn';
    else if (r.status === 'completed') {
      const end = await knex('history')
        .where({ instance_id: r.id, element_type: 'bpmn:EndEvent', event: 'end' })
        .orderBy('id', 'desc')
        .first('element_id', 'element_name');
      outcome = end?.element_name ?? end?.element_id ?? null;
      outcomeElement = end?.element_id ?? null;
    }
    const search = [r.process_name, r.business_key, r.display_name, r.org_name].filter(Boolean).join(' ').toLowerCase();
    await knex('workflow_cases').insert({
      instance_id: r.id,
      process_key: r.process_key,
      process_name: r.process_name,
      subject: null,
      initiator_id: r.started_by,
      initiator_name: r.display_name ?? null,
      initiator_org_id: r.org_id ?? null,
      initiator_org_name: r.org_name ?? null,
      initiator_org_path: r.org_path ?? null,
      search_text: search.slice(0, 1000),
      started_at: r.started_at,
      ended_at: r.ended_at,
      outcome,
      outcome_element_id: outcomeElement,
    });
  }
}

export async function down(): Promise<void> {
  // Nothing to undo: 3001's down drops the table.
}
