// A version's 依据 as the reader reads it. A publication's basis is the administrator's own words,
// shown as written; the seeded first version's (no publisher) is the seed's "中文 / English" pair,
// shown in the reader's language like the server's other texts.
import { i18n } from '../../i18n/index.svelte.ts';

export const basisText = (v: { basis: string; publishedByName: string | null }): string => (v.publishedByName === null ? i18n.serverText(v.basis) : v.basis);
