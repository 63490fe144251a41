// One-time codes for the demo administrators in tests. The server accepts a code once (RFC 6238
// §5.2: its time step must come after the last one accepted for the user), so a helper that logs
// the same administrator in again must bring a code for a step not used yet. It takes the earliest
// step the server's window still accepts (the step before the clock's, the clock's, the one after)
// that comes after the user's last accepted step (read from the database), and moves the test
// clock forward by 30 s only when that window is used up. The product rule is not touched.
import type { MovableClock } from '../../server/clock.ts';
import type { Db } from '../../server/db.ts';
import { TOTP_STEP_SECONDS, totpCode } from '../../server/people/totp.ts';
import * as people from '../../server/people/store.ts';
import { DEMO_TOTP_SECRET } from '../../db/seeds/demo.ts';

export interface TotpSystem {
  readonly services: { db: Db };
  readonly clock: MovableClock;
}

const STEP_MS = TOTP_STEP_SECONDS * 1000;
const queues = new WeakMap<MovableClock, Promise<unknown>>();

/**
 * Runs `login` with a fresh code of the demo secret for `username` (undefined when the user has no
 * authenticator), one such login at a time per system, so that two at once do not pick one step.
 */
export function withFreshTotp<T>(sys: TotpSystem, username: string, login: (code: string | undefined) => Promise<T>): Promise<T> {
  const run = async (): Promise<T> => login(await freshTotpCode(sys, username));
  const previous = queues.get(sys.clock) ?? Promise.resolve();
  const next = previous.then(run, run);
  queues.set(sys.clock, next.catch(() => undefined));
  return next;
}

/** A code for the earliest step after the user's last accepted one, moving the clock when needed. */
export async function freshTotpCode(sys: TotpSystem, username: string): Promise<string | undefined> {
  const user = await people.findUserByUsername(sys.services.db, username);
  if (!user?.totp_secret) return undefined;
  const current = () => Math.floor(sys.clock.now().getTime() / STEP_MS);
  const step = Math.max(current() - 1, (user.totp_last_step ?? -Infinity) + 1);
  while (step > current() + 1) sys.clock.advance(STEP_MS);
  return totpCode(DEMO_TOTP_SECRET, new Date(step * STEP_MS));
}
