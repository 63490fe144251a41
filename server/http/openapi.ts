// The OpenAPI 3.1 document, generated from the route definitions' zod schemas.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import type { RouteDef } from './route.ts';
import { POLICY } from './policy.ts';
import { errorSchema } from './zod.ts';

export function buildOpenApi(routes: RouteDef[], processDocs: string) {
  const registry = new OpenAPIRegistry();
  registry.register('Error', errorSchema);
  registry.registerComponent('securitySchemes', 'session', { type: 'apiKey', in: 'cookie', name: 'dangan_sid' });
  for (const r of routes) {
    const rule = POLICY[r.permission];
    const who = rule === 'public' ? 'public' : rule === 'authenticated' ? 'any logged-in user' : (rule as readonly string[]).join(', ');
    const content: Record<string, { schema: any }> = {};
    if (r.body) content['application/json'] = { schema: r.body };
    for (const t of r.rawBody ?? []) content[t] = { schema: { type: 'string' } };
    for (const t of r.binaryBody ? (r.binaryBody.types ?? ['application/octet-stream']) : []) content[t] = { schema: { type: 'string', format: 'binary' } };
    registry.registerPath({
      method: r.method,
      path: r.path.replace(/:([A-Za-z_]+)/g, '{$1}'),
      summary: r.summary,
      description: [r.description, `Permission: ${r.permission} (${who}).`, r.path === '/api/process-instances' ? processDocs : '']
        .filter(Boolean)
        .join('\n\n'),
      tags: r.tags,
      security: rule === 'public' ? [] : [{ session: [] }],
      request: {
        ...(r.params ? { params: r.params as any } : {}),
        ...(r.query ? { query: r.query as any } : {}),
        ...(r.body || r.binaryBody ? { body: { content } } : {}),
      },
      responses: {
        [r.status ?? 200]: r.produces
          ? { description: 'OK', content: { [r.produces]: { schema: { type: 'string', format: 'binary' } } } }
          : { description: 'OK', ...(r.response ? { content: { 'application/json': { schema: r.response } } } : {}) },
        default: { description: 'Error', content: { 'application/json': { schema: errorSchema } } },
      },
    });
  }
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Dangan API',
      version: '1',
      description: 'Dangan (档案): BPMN workflow for cadre personnel archive offices. Errors are {code, message, details?}.',
    },
    servers: [{ url: '/' }],
  });
}
