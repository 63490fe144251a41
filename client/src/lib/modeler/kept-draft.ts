// The modeler's undeployed work, kept in the tab's sessionStorage while it is unsaved: a session
// that expires mid-work (the deploy answered 401, the page went to the login) or a reload loses
// nothing, and the modeler offers it again when it opens. One per user and process key ('new' for
// a process not deployed yet), the page's slot; deploying or giving the work up forgets it.
import type { FormSchema } from '../forms/schema.ts';

export interface KeptDraft {
  /** The process key (for a new process, the key the administrator chose). */
  key: string;
  /** A new process's name, as typed. */
  name: string;
  xml: string;
  /** The steps' forms edited in this draft. */
  forms: Record<string, FormSchema>;
  /** The version the work is based on; null for a new process. */
  baseVersion: number | null;
  /** ISO time it was last kept. */
  savedAt: string;
}

const storageKey = (slot: string) => `dangan.modeler-draft.${slot}`;

export function readDraft(slot: string): KeptDraft | null {
  try {
    const raw = sessionStorage.getItem(storageKey(slot));
    const d = raw ? (JSON.parse(raw) as KeptDraft) : null;
    return d && typeof d.xml === 'string' && typeof d.key === 'string' ? d : null;
  } catch {
    return null;
  }
}

export function keepDraft(slot: string, draft: KeptDraft): void {
  try {
    sessionStorage.setItem(storageKey(slot), JSON.stringify(draft));
  } catch {
    /* storage full or off: the leave question still guards the work */
  }
}

export function forgetDraft(slot: string): void {
  try {
    sessionStorage.removeItem(storageKey(slot));
  } catch {
    /* storage off: nothing was kept */
  }
}
