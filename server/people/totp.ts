// RFC 6238 one-time codes (SHA-1, 6 digits, 30 s) with otplib. otplib refuses secrets under 128
// bits by default; the demo secret of DESIGN.md (JBSWY3DPEHPK3PXP) has 80, which RFC 4226's
// minimum of 128 bits would reject, so verification accepts 80 bits and up, while every secret
// Dangan generates at enrolment has 160 bits.
import { createGuardrails, generate, verify } from 'otplib';

export const TOTP_GUARDRAILS = createGuardrails({ MIN_SECRET_BYTES: 10 });

/** One step (30 s) of tolerance either side, by the caller's clock. */
export async function totpValid(secret: string, code: string, now: Date): Promise<boolean> {
  const check = await verify({ secret, token: code, epoch: Math.floor(now.getTime() / 1000), epochTolerance: 30, guardrails: TOTP_GUARDRAILS });
  return check.valid;
}

/** The code an authenticator shows at `now` (tests and tools). */
export function totpCode(secret: string, now: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000), guardrails: TOTP_GUARDRAILS });
}
