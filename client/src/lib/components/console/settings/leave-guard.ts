// Unsaved edits are not lost silently: while `dirty()` holds, closing or reloading the tab asks
// (beforeunload), and so do a link inside the application and the header's 退出登录 (caught
// before the router or the button sees the click).
export function guardLeaving(dirty: () => boolean, question: () => string): () => void {
  const onClick = (e: MouseEvent) => {
    if (!dirty() || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const target = e.target as Element | null;
    const leaving = target?.closest?.('header button.logout') ?? target?.closest?.('a[href]:not([target]):not([download])');
    if (!leaving) return;
    if (leaving instanceof HTMLAnchorElement) {
      const url = new URL(leaving.href, location.href);
      if (url.origin !== location.origin || (url.pathname === location.pathname && url.hash)) return;
    }
    if (!confirm(question())) {
      e.preventDefault();
      e.stopPropagation();
    }
  };
  const onUnload = (e: BeforeUnloadEvent) => {
    if (dirty()) e.preventDefault();
  };
  document.addEventListener('click', onClick, true);
  addEventListener('beforeunload', onUnload);
  return () => {
    document.removeEventListener('click', onClick, true);
    removeEventListener('beforeunload', onUnload);
  };
}
