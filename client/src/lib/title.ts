// The browser tab's title: "<page> · 档案".
import { i18n } from './i18n/index.svelte.ts';

export function setTitle(page: string): void {
  document.title = `${page} · ${i18n.t('app.name')}`;
}
