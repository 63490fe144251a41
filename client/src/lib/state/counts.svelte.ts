// The workbench counts (open, due soon, overdue, my open applications), kept fresh by a
// conditional poll while the tab is visible. The nav badge and the workbench read them.
import type { InboxSummary } from '../api/types.ts';
import { poll } from '../api/client.ts';
import { session } from './session.svelte.ts';
import { Turns } from './turns.ts';

class Counts {
  value = $state<InboxSummary | null>(null);
  private etag: string | null = null;
  private timer: ReturnType<typeof setInterval> | null = null;
  private running = false;
  private readonly turns = new Turns();

  /**
   * Asks again. A poll skips its tick while an earlier ask is still out; a refresh after an action
   * (background false) always asks, and only the newest answer counts — a poll sent before the
   * action must not leave the counts as they were before it.
   */
  async refresh(background = true): Promise<void> {
    if (!session.isBusinessUser || (background && this.running)) return;
    const current = this.turns.take();
    this.running = true;
    try {
      const r = await poll('GET /api/tasks/summary', this.etag, { background });
      if (current() && r.changed) {
        this.value = r.data;
        this.etag = r.etag;
        session.syncClock(r.data.serverTime);
      }
    } catch {
      /* a missed refresh is retried at the next tick */
    } finally {
      if (current()) this.running = false;
    }
  }

  start(): void {
    this.stop();
    void this.refresh(false);
    const every = (session.settings?.pollSeconds ?? 15) * 1000;
    this.timer = setInterval(() => {
      if (document.visibilityState === 'visible') void this.refresh();
    }, every);
    document.addEventListener('visibilitychange', this.onVisible);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    document.removeEventListener('visibilitychange', this.onVisible);
  }

  reset(): void {
    this.stop();
    // An answer still on its way belongs to the session that ended.
    this.turns.take();
    this.running = false;
    this.value = null;
    this.etag = null;
  }

  private onVisible = () => {
    if (document.visibilityState === 'visible') void this.refresh();
  };
}

export const counts = new Counts();
