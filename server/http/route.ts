// A route is data: method, path, permission, zod schemas and a handler. The same definitions
// register the express handlers, generate the OpenAPI document and drive the route × role test.
import type { Request, Response } from 'express';
import type { ZodType } from 'zod';
import type { z } from 'zod';
import type { Permission } from './policy.ts';
import type { SessionUser } from '../people/sessions.ts';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface Ctx<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  /** The logged-in user; null only on public routes. */
  user: SessionUser;
  ip: string;
  req: Request;
  res: Response;
}

/** A non-JSON answer (images, PDFs, CSV). */
export interface RawReply {
  raw: Buffer | string;
  contentType: string;
  headers?: Record<string, string>;
  status?: number;
}

export interface RouteDef {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  permission: Permission;
  /**
   * Answer even while the session must first change its password or enrol an authenticator
   * (me, logout, the change itself). Every other route then answers 403 with the pending step.
   */
  allowPending?: boolean;
  params?: ZodType;
  query?: ZodType;
  body?: ZodType;
  /** Also accept these raw body types (the body arrives as a string). */
  rawBody?: string[];
  /** The largest JSON or raw body the route reads (default BODY_LIMIT); larger ones answer 413. */
  bodyLimit?: string;
  /**
   * Takes a binary body of these types (default application/octet-stream) up to maxBytes; ctx.body
   * is then a Buffer. Permission is checked before the body is read.
   */
  binaryBody?: { types?: string[]; maxBytes: number };
  /**
   * With a binary body: checked after authorisation and before the body is read. Throwing refuses
   * the request unread (the import's 503 IMPORT_BUSY does not wait for a 20 MB upload to arrive).
   */
  admit?: (req: Request) => void;
  response?: ZodType;
  /** Declared response content type when not JSON. */
  produces?: string;
  status?: number;
  handler: (ctx: Ctx<any, any, any>) => Promise<unknown>;
}

type Inferred<T> = T extends ZodType ? z.infer<T> : undefined;

export function route<
  P extends ZodType | undefined = undefined,
  Q extends ZodType | undefined = undefined,
  B extends ZodType | undefined = undefined,
  R extends ZodType | undefined = undefined,
>(def: {
  method: Method;
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  permission: Permission;
  allowPending?: boolean;
  params?: P;
  query?: Q;
  body?: B;
  rawBody?: string[];
  bodyLimit?: string;
  binaryBody?: { types?: string[]; maxBytes: number };
  admit?: (req: Request) => void;
  response?: R;
  produces?: string;
  status?: number;
  handler: (ctx: Ctx<Inferred<P>, Inferred<Q>, B extends ZodType ? Inferred<B> : Buffer>) => Promise<(R extends ZodType ? z.input<R> : unknown) | RawReply>;
}): RouteDef {
  return def as RouteDef;
}

/** The largest JSON body a route reads unless it says otherwise (RouteDef.bodyLimit). */
export const BODY_LIMIT = '1mb';

export const isRaw = (v: unknown): v is RawReply =>
  typeof v === 'object' && v !== null && 'raw' in v && 'contentType' in v;
