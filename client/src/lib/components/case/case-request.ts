// The 利用 request behind a case, read as the 申请 list reads it (its own scope, audited): the copy
// approval and the digitisation panels show parts of it. Null when the reader may not see it.
import type { UseRequest } from '../../api/types.ts';
import { call } from '../../api/client.ts';

export function caseRequest(instanceId: string): Promise<UseRequest | null> {
  return call('GET /api/requests', { query: { instanceId, limit: 1 } })
    .then((r) => r.items[0] ?? null)
    .catch(() => null);
}
