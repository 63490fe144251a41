// A changed field's value as the version diff shows it: role codes by their names
// (candidateGroups "unit_head" → 单位负责人), FEEL and every other value as written, nothing as —.
// Pure: the page passes how a list of role codes reads (format/roles.ts roleList).

const ROLE_FIELDS = new Set(['candidateGroups', 'candidateStarterGroups']);

export function diffValue(field: string, value: string | null, roles: (codes: string[]) => string): string {
  if (value === null || value === '') return '—';
  if (!ROLE_FIELDS.has(field) || value.trim().startsWith('=')) return value;
  return roles(value.split(',').map((r) => r.trim()).filter(Boolean));
}
