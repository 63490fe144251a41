// Short confirmations and errors, announced to screen readers (the Toasts component renders them).
export interface Toast {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}

class Toasts {
  items = $state<Toast[]>([]);
  private seq = 0;

  push(kind: Toast['kind'], text: string, ms = kind === 'error' ? 8000 : 4000): void {
    const id = ++this.seq;
    this.items = [...this.items, { id, kind, text }];
    setTimeout(() => this.dismiss(id), ms);
  }

  ok(text: string): void {
    this.push('ok', text);
  }

  error(text: string): void {
    this.push('error', text);
  }

  dismiss(id: number): void {
    this.items = this.items.filter((t) => t.id !== id);
  }

  /** All gone: at the end of a session, so that the next user of the browser reads none of them. */
  clear(): void {
    this.items = [];
  }
}

export const toasts = new Toasts();
