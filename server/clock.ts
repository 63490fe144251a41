// Time as a dependency: services take a Clock, tests pass a MovableClock instead of sleeping.

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock that stands still until moved; for timer and deadline tests. */
export class MovableClock implements Clock {
  private t: number;
  constructor(start: Date | string = new Date()) {
    this.t = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.t);
  }
  advance(ms: number): void {
    this.t += ms;
  }
  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
  set(at: Date | string): void {
    this.t = new Date(at).getTime();
  }
}

/** ISO-8601 UTC text: the one format instants are stored in, on SQLite and PostgreSQL alike. */
export const iso = (d: Date): string => d.toISOString();
