// Newest answer wins: each load takes a turn, and an answer counts only while its turn is still the
// newest. A slow answer to an older filter or page then never overwrites a newer one (two filters
// changed in quick succession once showed the first filter's rows under the second).
export class Turns {
  private n = 0;

  /** A new turn; the function says whether it is still the newest. */
  take(): () => boolean {
    const mine = ++this.n;
    return () => mine === this.n;
  }
}
