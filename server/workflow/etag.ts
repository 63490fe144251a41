// Conditional GETs for the polling inbox: the ETag is a hash of what the client would see, so an
// unchanged inbox answers 304 with no body. Computed from the database on every request: nothing
// is kept in one process's memory, so it holds across several servers.
import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import type { RawReply } from '../http/route.ts';

/** Answers 304 when the client already has `material`; else sets the ETag and returns `body`. */
export function conditional<T>(req: Request, res: Response, material: unknown, body: T): T | RawReply {
  const tag = `"${createHash('sha256').update(JSON.stringify(material)).digest('base64url').slice(0, 27)}"`;
  const sent = req.get('if-none-match');
  if (sent && sent.split(',').some((t) => t.trim().replace(/^W\//, '') === tag)) {
    return { raw: '', contentType: 'application/json', status: 304, headers: { ETag: tag } };
  }
  res.set('ETag', tag);
  return body;
}
