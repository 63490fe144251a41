// Directory data for pickers, fetched once per page load.
import { call } from '../api/client.ts';
import type { ApiRoutes } from '../api/types.ts';

type OrgUnits = ApiRoutes['GET /api/lookups/org-units']['response'];
const cache = new Map<string, Promise<OrgUnits>>();

export function orgUnits(custodianOnly: boolean, producerOnly = false): Promise<OrgUnits> {
  const key = `${custodianOnly}/${producerOnly}`;
  let p = cache.get(key);
  if (!p) {
    p = call('GET /api/lookups/org-units', { query: { custodian: custodianOnly ? 'true' : 'false', producer: producerOnly ? 'true' : 'false' } });
    p.catch(() => cache.delete(key));
    cache.set(key, p);
  }
  return p;
}
