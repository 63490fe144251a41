// `npm run bench`: every benchmark section in turn, on SQLite, or on PostgreSQL when
// DATABASE_URL is set. `npm run bench -- engine search` runs only the named sections.
// Each section module exports `run(): Promise<void>` and prints its own figures.
const SECTIONS: Record<string, () => Promise<{ run(): Promise<void> }>> = {
  engine: () => import('./engine.ts'),
  audit: () => import('./audit.ts'),
  inbox: () => import('./inbox.ts'),
  notify: () => import('./notify.ts'),
  search: () => import('./search.ts'),
  materials: () => import('./materials.ts'),
  transfers: () => import('./transfers.ts'),
  requests: () => import('./requests.ts'),
  admin: () => import('./admin.ts'),
  watermark: () => import('./watermark.ts'),
  copies: () => import('./copies.ts'),
  import: () => import('./import.ts'),
  backup: () => import('./backup.ts'),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
for (const [name, load] of Object.entries(SECTIONS)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.log(`\n## ${name}`);
  await (await load()).run();
}
