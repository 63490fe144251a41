// How many XLSX import files the server reads at once (IMPORT_MAX_XLSX_READS). Each read runs in a
// worker thread whose heap may grow to 1.5 GB (import-read.ts XLSX_HEAP_MB), so a handful of
// simultaneous uploads could take the machine's memory. One more than the limit is refused at once
// with 503 IMPORT_BUSY and a Retry-After, never queued: a queued upload would look to its user like
// a server that hangs. An upload declared as XLSX is refused before its body is read (assertFree,
// routes.ts): the user does not wait for 20 MB to go up to hear it. A slot is freed when its worker
// has ended, whatever ended it (done, a bad file, out of memory, the client gone).
import { errors } from '../errors.ts';

/** Seconds the refusal asks the client to wait: the longest read (50,000 rows) takes 5–9 s. */
export const IMPORT_RETRY_SECONDS = 10;

export class XlsxReadSlots {
  private taken = 0;

  constructor(readonly max: number) {}

  /** Reads going on now. */
  get inUse(): number {
    return this.taken;
  }

  /**
   * Throws 503 IMPORT_BUSY when every slot is taken; takes none. Asked before an upload's body is
   * read; the read itself still takes its slot (take), which may have gone meanwhile.
   */
  assertFree(): void {
    if (this.taken >= this.max) {
      throw errors.busy(
        'IMPORT_BUSY',
        `服务器正在读取其他 XLSX 文件（同时最多 ${this.max} 个），请约 ${IMPORT_RETRY_SECONDS} 秒后再试；本文件未被读取，没有导入任何内容 / The server is reading other XLSX files (at most ${this.max} at a time): try again in about ${IMPORT_RETRY_SECONDS} seconds. This file was not read and nothing was imported`,
        IMPORT_RETRY_SECONDS,
      );
    }
  }

  /** Takes a slot or throws 503 IMPORT_BUSY; the function returned frees it (once, however often called). */
  take(): () => void {
    this.assertFree();
    this.taken++;
    let freed = false;
    return () => {
      if (freed) return;
      freed = true;
      this.taken--;
    };
  }
}
