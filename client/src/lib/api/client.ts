// The one way the browser talks to the server: typed by the generated ApiRoutes, errors as
// ApiError {status, code, message, details}. A 401 anywhere but the login tells the session.
// Background requests (the inbox's polls) say so in a header: they do not count as activity.
// A logout first cancels the session's requests, in flight or yet to come (abortSessionRequests).
import type { ApiRoutes } from './types.ts';

export type RouteKey = keyof ApiRoutes;
type Opt<T> = [T] extends [never] ? { [k: string]: never } : T;

export interface CallOptions<K extends RouteKey> {
  params?: Opt<ApiRoutes[K]['params']>;
  query?: Opt<ApiRoutes[K]['query']>;
  body?: Opt<ApiRoutes[K]['body']>;
  /** An automatic refresh, not a user action (does not keep the session alive). */
  background?: boolean;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

type Listener = (e: ApiError, key: string) => void;
const listeners: { unauthenticated: Listener[]; activity: Array<() => void> } = { unauthenticated: [], activity: [] };

/** The session registers here: 401s end it; foreground calls count as activity. */
export function onApi(event: 'unauthenticated', fn: Listener): void;
export function onApi(event: 'activity', fn: () => void): void;
export function onApi(event: 'unauthenticated' | 'activity', fn: any): void {
  listeners[event].push(fn);
}

export function buildUrl(path: string, params?: Record<string, unknown>, query?: Record<string, unknown>): string {
  const filled = path.replace(/:([A-Za-z_]+)/g, (_m, k) => encodeURIComponent(String(params?.[k] ?? '')));
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) {
    if (v === undefined || v === null || v === '') continue;
    qs.set(k, String(v));
  }
  const s = qs.toString();
  return s ? `${filled}?${s}` : filled;
}

async function toError(res: Response): Promise<ApiError> {
  let body: any = null;
  try {
    body = await res.json();
  } catch {
    /* not JSON */
  }
  return new ApiError(res.status, body?.code ?? `HTTP_${res.status}`, body?.message ?? res.statusText, body?.details);
}

/** Every request of the session but the login: aborted together when the user logs out. */
let session = new AbortController();

/**
 * Ends the session's requests before a logout: those in flight (a page's first load, a poll) are
 * cancelled, and any a page starts before the logout is over never leaves the browser. Answered
 * after the server ended the session, they would come back 401 and read as "session expired".
 * The next sign-in opens a new session (openSessionRequests).
 */
export function abortSessionRequests(): void {
  session.abort();
}

/** A user is signed in: the session's requests may go out again. */
export function openSessionRequests(): void {
  if (session.signal.aborted) session = new AbortController();
}

async function send(key: string, url: string, init: RequestInit, background?: boolean): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set('accept', 'application/json');
  if (background) headers.set('x-dangan-background', '1');
  // The password change too: on the session lock it is part of logging in again (session.svelte.ts).
  const own = key === 'POST /api/auth/login' || key === 'POST /api/auth/logout' || key === 'POST /api/auth/password' ? undefined : session.signal;
  // A caller's own signal (an upload the user stopped) aborts it too.
  const signal = init.signal && own ? AbortSignal.any([own, init.signal]) : (init.signal ?? own);
  let res: Response;
  try {
    res = await fetch(url, { ...init, signal, headers, credentials: 'same-origin' });
  } catch (e) {
    if ((e as Error)?.name === 'AbortError') throw e;
    throw new ApiError(0, 'NETWORK', (e as Error)?.message ?? 'network');
  }
  if (!background) for (const fn of listeners.activity) fn();
  if (res.status === 401 && key !== 'POST /api/auth/login') {
    const err = await toError(res);
    for (const fn of listeners.unauthenticated) fn(err, key);
    throw err;
  }
  return res;
}

/** Calls a route by its "METHOD /path" key: `call('GET /api/tasks/:id', { params: { id } })`. */
export async function call<K extends RouteKey>(key: K, opts: CallOptions<K> = {}): Promise<ApiRoutes[K]['response']> {
  const [method, path] = (key as string).split(' ');
  const url = buildUrl(path, opts.params as any, opts.query as any);
  const init: RequestInit = { method };
  if (opts.body !== undefined) {
    init.body = JSON.stringify(opts.body);
    init.headers = { 'content-type': 'application/json' };
  } else if (method !== 'GET') {
    init.body = '{}';
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await send(key, url, init, opts.background);
  if (!res.ok) throw await toError(res);
  return (await res.json()) as ApiRoutes[K]['response'];
}

/**
 * A conditional GET for polling: with the ETag of what the caller has, an unchanged answer is
 * `{ changed: false }` and costs no body.
 */
export async function poll<K extends RouteKey>(
  key: K,
  etag: string | null,
  opts: CallOptions<K> = {},
): Promise<{ changed: false } | { changed: true; data: ApiRoutes[K]['response']; etag: string | null }> {
  const [, path] = (key as string).split(' ');
  const url = buildUrl(path, opts.params as any, opts.query as any);
  const res = await send(key, url, { method: 'GET', headers: etag ? { 'if-none-match': etag } : {} }, opts.background);
  if (res.status === 304) return { changed: false };
  if (!res.ok) throw await toError(res);
  return { changed: true, data: await res.json(), etag: res.headers.get('etag') };
}

/** Uploads one file to a case (the body is the file itself). */
export async function uploadAttachment(instanceId: string, file: File, signal?: AbortSignal) {
  const url = buildUrl('/api/process-instances/:id/attachments', { id: instanceId }, { filename: file.name });
  const res = await send('POST /api/process-instances/:id/attachments', url, {
    method: 'POST',
    body: file,
    signal,
    headers: { 'content-type': 'application/octet-stream' },
  });
  if (!res.ok) throw await toError(res);
  return (await res.json()) as ApiRoutes['POST /api/process-instances/:id/attachments']['response'];
}

export const attachmentUrl = (id: string) => buildUrl('/api/attachments/:id', { id });

/** Uploads one page scan to a material intake (the body is the image itself). */
export async function uploadIntakeScan(intakeId: number, file: File) {
  const key = 'POST /api/material-intakes/:id/scans';
  const res = await send(key, buildUrl('/api/material-intakes/:id/scans', { id: intakeId }), {
    method: 'POST',
    body: file,
    headers: { 'content-type': file.type || 'application/octet-stream' },
  });
  if (!res.ok) throw await toError(res);
  return (await res.json()) as ApiRoutes[typeof key]['response'];
}

/** 重扫此页: replaces one scanned page of a material (the body is the image itself). */
export async function replacePageScan(materialId: number, pageNo: number, file: File) {
  const key = 'PUT /api/materials/:id/pages/:pageNo';
  const res = await send(key, buildUrl('/api/materials/:id/pages/:pageNo', { id: materialId, pageNo }), {
    method: 'PUT',
    body: file,
    headers: { 'content-type': file.type || 'application/octet-stream' },
  });
  if (!res.ok) throw await toError(res);
  return (await res.json()) as ApiRoutes[typeof key]['response'];
}

export const intakeScanUrl = (intakeId: number, seq: number) => buildUrl('/api/material-intakes/:id/scans/:seq', { id: intakeId, seq });

/**
 * A JSON call to a route that another piece adds and that is not in the generated types yet
 * (the password change, the cadre search). Prefer `call` wherever the route is known.
 */
export async function request<T = unknown>(method: string, url: string, body?: unknown, background = false): Promise<T> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const res = await send(`${method} ${url.split('?')[0]}`, url, init, background);
  if (!res.ok) throw await toError(res);
  return (await res.json()) as T;
}

/**
 * Sends one file with its upload progress (XMLHttpRequest: fetch reports none): `onProgress` gets
 * the share sent, 0–1, and 1 once every byte is out (the server is then at work). Counts as
 * activity, ends with the session (abortSessionRequests), and a 401 tells the session, as `send` does.
 */
export function uploadWithProgress<T>(key: string, url: string, body: Blob, contentType: string, onProgress: (sent: number) => void): Promise<T> {
  const signal = session.signal;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) return reject(new DOMException('aborted', 'AbortError'));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('accept', 'application/json');
    xhr.setRequestHeader('content-type', contentType);
    xhr.withCredentials = true;
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.upload.onload = () => onProgress(1);
    const onAbort = () => xhr.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    xhr.onabort = () => {
      signal.removeEventListener('abort', onAbort);
      reject(new DOMException('aborted', 'AbortError'));
    };
    xhr.onerror = () => {
      signal.removeEventListener('abort', onAbort);
      reject(new ApiError(0, 'NETWORK', 'network'));
    };
    xhr.onload = () => {
      signal.removeEventListener('abort', onAbort);
      for (const fn of listeners.activity) fn();
      let json: any = null;
      try {
        json = JSON.parse(xhr.responseText);
      } catch {
        /* not JSON */
      }
      if (xhr.status >= 200 && xhr.status < 300) return resolve(json as T);
      const err = new ApiError(xhr.status, json?.code ?? `HTTP_${xhr.status}`, json?.message ?? xhr.statusText, json?.details);
      if (xhr.status === 401) for (const fn of listeners.unauthenticated) fn(err, key);
      reject(err);
    };
    xhr.send(body);
  });
}
