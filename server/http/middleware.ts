// Request plumbing: cookies, origin check, JSON-only bodies with limits, the error answer.
import type { NextFunction, Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { ZodError } from 'zod';
import { AppError, errors, INVALID_INPUT, isAppError } from '../errors.ts';
import type { Logger } from '../logger.ts';

export function parseCookies(header: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!header) return out;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    const k = part.slice(0, i).trim();
    const v = part.slice(i + 1).trim();
    if (k && !(k in out)) {
      try {
        out[k] = decodeURIComponent(v);
      } catch {
        out[k] = v;
      }
    }
  }
  return out;
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** State-changing requests must come from our own origin (SameSite cookie is the first line). */
export function sameOrigin(req: Request, _res: Response, next: NextFunction): void {
  if (!STATE_CHANGING.has(req.method)) return next();
  // Origin, else the Referer's origin. A header that is not a URL (`Referer: not a url`) cannot
  // show the request is ours: it is refused like a foreign one (was a TypeError, 500 INTERNAL).
  const origin = req.get('origin') ?? req.get('referer');
  if (!origin) return next();
  const host = req.get('host');
  let ok = false;
  try {
    ok = new URL(origin).host === host;
  } catch {
    ok = false;
  }
  next(ok ? undefined : errors.foreignOrigin());
}

export function toErrorBody(err: unknown, log: Logger, req: Request): { status: number; body: object } {
  if (isAppError(err)) {
    return { status: err.status, body: { code: err.code, message: err.message, ...(err.details !== undefined ? { details: err.details } : {}) } };
  }
  if (err instanceof ZodError) {
    return {
      status: 400,
      body: {
        code: 'VALIDATION_FAILED',
        message: INVALID_INPUT,
        details: err.issues.map((i) => ({ field: i.path.join('.'), message: i.message })),
      },
    };
  }
  const e = err as { type?: string; status?: number; message?: string; limit?: number };
  if (e?.type === 'entity.too.large') return toErrorBody(errors.payloadTooLarge(e.limit), log, req);
  if (e?.type === 'entity.parse.failed') return toErrorBody(errors.validation([], 'JSON 格式有误 / Malformed JSON'), log, req);
  const correlationId = randomUUID();
  log.error({ err, correlationId, method: req.method, url: req.originalUrl }, 'unhandled error');
  return { status: 500, body: { code: 'INTERNAL', message: '系统内部错误 / Internal error', details: { correlationId } } };
}

export { AppError };
