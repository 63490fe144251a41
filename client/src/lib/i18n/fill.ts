// A message's parameters: `{n}` is the value; `{n:error|errors}` is the first text when n is 1, else
// the second (English plurals: "1 error", "2 errors"; "1 archive is", "3 archives are").
export function fill(text: string, params: Record<string, string | number>): string {
  return text
    .replace(/\{(\w+):([^{}|]*)\|([^{}]*)\}/g, (m, k: string, one: string, many: string) => (k in params ? (Number(params[k]) === 1 ? one : many) : m))
    .replace(/\{(\w+)\}/g, (m, k: string) => (k in params ? String(params[k]) : m));
}
