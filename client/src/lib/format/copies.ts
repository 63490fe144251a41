// How a certified copy's disposition reads: filed, destroyed, or not yet reported by the using unit.
import { t } from '../i18n/index.svelte.ts';

export const copyDisposition = (d: string | null): string => (d === 'filed' ? t('copies.filed') : d === 'destroyed' ? t('copies.destroyed') : t('copies.open'));
