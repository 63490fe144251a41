// RFC 6238 one-time codes (SHA-1, 6 digits, 30 s) with otplib. otplib refuses secrets under 128
// bits by default; the demo secret of DESIGN.md (JBSWY3DPEHPK3PXP) has 80, which RFC 4226's
// minimum of 128 bits would reject, so verification accepts 80 bits and up, while every secret
// Dangan generates at enrolment has 160 bits.
import { createGuardrails, generate, verify } from 'otplib';

export const TOTP_GUARDRAILS = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** The length of one time step, in seconds (RFC 6238's default X). */
export const TOTP_STEP_SECONDS = 30;

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'bad_totp' | 'totp_replayed' };

/**
 * Checks a code with one step (30 s) of tolerance either side, by the caller's clock, and accepts
 * it only for a time step after `lastStep` (the last one accepted for this user; null when none):
 * a code is good once (RFC 6238 §5.2). The answer names the step to record, or why it was refused:
 * `totp_replayed` when the code is right but for a step already used (or one before it).
 * The caller records the step in the same transaction, conditionally (store.claimTotpStep).
 */
export async function totpCheck(secret: string, code: string, now: Date, lastStep: number | null): Promise<TotpCheck> {
  const epoch = Math.floor(now.getTime() / 1000);
  const options = { secret, token: code, epoch, epochTolerance: TOTP_STEP_SECONDS, guardrails: TOTP_GUARDRAILS };
  // otplib throws when afterTimeStep lies beyond the window (a clock set back): no step is fresh then.
  const lastInWindow = Math.floor((epoch + TOTP_STEP_SECONDS) / TOTP_STEP_SECONDS);
  if (lastStep === null || lastStep < lastInWindow) {
    const fresh = await verify(lastStep === null ? options : { ...options, afterTimeStep: lastStep });
    if (fresh.valid && 'timeStep' in fresh) return { ok: true, step: fresh.timeStep };
  }
  if (lastStep !== null && (await verify(options)).valid) return { ok: false, reason: 'totp_replayed' };
  return { ok: false, reason: 'bad_totp' };
}

/** The code an authenticator shows at `now` (tests and tools). */
export function totpCode(secret: string, now: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000), guardrails: TOTP_GUARDRAILS });
}
