// Duplicate requests: once the start form names a cadre (the picker's id, or the name and ID number
// of a 利用 form), the page asks the server for the caller's own open cases of the same process
// about that cadre (POST /api/process-definitions/:key/open-cases). Any there are shown as a warning,
// and filing needs one explicit confirmation for that cadre. A warning only: a failed check never
// stops the filing, and nothing in the form is touched.
import type { OpenCase } from '../../lib/api/types.ts';
import { call } from '../../lib/api/client.ts';
import type { Data, FormComponent } from '../../lib/forms/schema.ts';
import { valueFields } from '../../lib/forms/schema.ts';
import { Turns } from '../../lib/state/turns.ts';

export type CadreQuery = { cadreId: number } | { cadreName: string; cadreIdNumber: string };

const ID_NUMBER = /^\d{17}[\dX]$/;

/**
 * The cadre the form names, as the query's key (a string, so an unchanged cadre is the same key), or
 * null while it names none completely. The rules are the server's query schema's.
 */
export function cadreKeyOf(components: FormComponent[], data: Data): string | null {
  const keys = new Set(valueFields(components).map((c) => c.key));
  if (keys.has('cadreId')) {
    const n = Number(data.cadreId);
    return Number.isInteger(n) && n > 0 ? JSON.stringify({ cadreId: n }) : null;
  }
  if (keys.has('cadreName') && keys.has('cadreIdNumber')) {
    const name = typeof data.cadreName === 'string' ? data.cadreName.trim() : '';
    const idNumber = typeof data.cadreIdNumber === 'string' ? data.cadreIdNumber.trim().toUpperCase() : '';
    if (name && [...name].length <= 100 && ID_NUMBER.test(idNumber)) return JSON.stringify({ cadreName: name, cadreIdNumber: idNumber });
  }
  return null;
}

export class DuplicateCheck {
  /** The cadre key last answered, and the open cases the answer named. */
  checkedKey = $state<string | null>(null);
  items = $state<OpenCase[]>([]);
  /** The cadre key the user chose to file for anyway. */
  confirmedKey = $state<string | null>(null);
  private wantedKey: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  // A slow answer about a cadre since changed never shows under the new one.
  private readonly turns = new Turns();

  constructor(private readonly processKey: string) {}

  /** The open cases to show for the cadre the form names now (none while its answer is awaited). */
  shown(key: string | null): OpenCase[] {
    return key && key === this.checkedKey ? this.items : [];
  }

  /** The form's cadre changed: ask after a pause in the typing. */
  watch(key: string | null): void {
    if (key === this.wantedKey) return;
    this.wantedKey = key;
    clearTimeout(this.timer);
    const current = this.turns.take();
    if (key && key !== this.checkedKey) this.timer = setTimeout(() => void this.ask(key, current), 350);
  }

  private async ask(key: string, current: () => boolean): Promise<void> {
    try {
      const r = await call('POST /api/process-definitions/:key/open-cases', { params: { key: this.processKey }, body: JSON.parse(key) as CadreQuery });
      if (!current()) return;
      this.items = r.items;
      this.checkedKey = key;
    } catch {
      // A warning only: without an answer the page says nothing and filing goes ahead.
    }
  }

  /** Before filing: the open cases still to be confirmed for this cadre, asked now if not yet known. */
  async unconfirmed(key: string | null): Promise<OpenCase[]> {
    if (!key || key === this.confirmedKey) return [];
    if (key !== this.checkedKey) {
      clearTimeout(this.timer);
      this.wantedKey = key;
      await this.ask(key, this.turns.take());
    }
    return this.shown(key);
  }

  confirm(key: string | null): void {
    this.confirmedKey = key;
  }
}
