// Unsaved work is never lost silently. A page with something to lose makes a LeaveGuard, during
// its set-up, with a `dirty()` that says so, and shows its question with LeaveConfirm. While
// dirty, leaving by a link in the app (the navigation, a crumb, a 取消 link), by the browser's
// back or forward button, or by 退出登录 asks first; a reload or closing the tab gets the browser's
// own question. Navigation by the code itself is not asked about: after a save the page is no
// longer dirty. A session that ends while a guard is dirty locks the page instead of leaving it
// (session.locked, SessionLock): the work waits in memory for the same user to log in again, and
// the lock's 退出 gives it up as 放弃并离开 does. The modeler keeps its draft aside instead (keptAside).
import { router } from '../router/routes.ts';
import { inAppTarget } from '../router/router.svelte.ts';
import { session } from './session.svelte.ts';

/** Where the user was going when asked. */
type Leave = { kind: 'link'; to: string } | { kind: 'history'; to: string } | { kind: 'logout' } | { kind: 'run'; then: () => void };

const guards = new Set<LeaveGuard>();

session.unsavedWork = {
  held: () => [...guards].some((g) => !g.keptAside && g.dirty()),
  drop: () => {
    for (const g of guards) if (g.dirty()) g.onDiscard?.();
  },
};

/** The back and forward buttons: the router keeps the page while a guard asks. */
function holdHistory(to: URL): boolean {
  for (const g of guards) if (g.dirty()) return g.heldBack(to);
  return false;
}

export class LeaveGuard {
  #asking = $state(false);
  readonly keptAside: boolean;
  private leave: Leave | null = null;

  /**
   * @param dirty whether leaving now would lose something
   * @param onDiscard run when the user gives the work up, before leaving (to forget a kept copy…)
   * @param opts.keptAside the page keeps its work itself across an ended session (the modeler's
   *   draft in the tab): the session's end goes to the login page as for a page with nothing to lose
   */
  constructor(
    readonly dirty: () => boolean,
    readonly onDiscard?: () => void,
    opts: { keptAside?: boolean } = {},
  ) {
    this.keptAside = opts.keptAside ?? false;
    $effect(() => {
      const onClick = (e: MouseEvent) => this.clicked(e);
      const onUnload = (e: BeforeUnloadEvent) => {
        if (this.dirty()) e.preventDefault();
      };
      guards.add(this);
      router.holdHistory = holdHistory;
      document.addEventListener('click', onClick, true);
      addEventListener('beforeunload', onUnload);
      return () => {
        guards.delete(this);
        document.removeEventListener('click', onClick, true);
        removeEventListener('beforeunload', onUnload);
      };
    });
  }

  /** The question is showing; closing it (Esc) means keep editing. */
  get asking(): boolean {
    return this.#asking;
  }
  set asking(open: boolean) {
    if (open) this.#asking = true;
    else this.stay();
  }

  /** Runs `then` (a 取消 button's leaving), asking first when dirty. */
  confirm(then: () => void): void {
    if (this.dirty()) this.ask({ kind: 'run', then });
    else then();
  }

  /** Keep editing. */
  stay(): void {
    this.leave = null;
    this.#asking = false;
  }

  /** Give the work up and go where the user was going. */
  discard(): void {
    const leave = this.leave;
    this.stay();
    if (!leave) return;
    this.onDiscard?.();
    if (leave.kind === 'run') leave.then();
    else if (leave.kind === 'logout') void session.logout();
    else router.navigate(leave.to);
  }

  /** The back or forward button left while dirty: the URL is put back, and the user asked. */
  heldBack(to: URL): boolean {
    const here = router.current;
    if (!here) return false;
    const query = here.query.toString();
    history.pushState(null, '', here.path + (query ? `?${query}` : ''));
    this.ask({ kind: 'history', to: to.pathname + to.search + to.hash });
    return true;
  }

  /**
   * While the page is locked (SessionLock) nothing asks: a question on the hidden page would open
   * above the lock and block it. The page simply stays; the lock's 退出 is the way to give it up.
   */
  private ask(leave: Leave): void {
    if (session.locked) return;
    this.leave = leave;
    this.#asking = true;
  }

  /**
   * A link in the app, or the header's 退出登录, while dirty: asked first. Caught before the router
   * (or the button) sees the click; a link to a new window or a download leaves nothing behind.
   */
  private clicked(e: MouseEvent): void {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || !this.dirty()) return;
    const target = e.target as Element | null;
    if (target?.closest?.('header button.logout')) {
      e.preventDefault();
      e.stopPropagation();
      this.ask({ kind: 'logout' });
      return;
    }
    const to = inAppTarget(e);
    if (to === null) return;
    e.preventDefault();
    e.stopPropagation();
    this.ask({ kind: 'link', to });
  }
}
