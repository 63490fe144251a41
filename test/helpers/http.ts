// A small HTTP client with a cookie jar, for API tests that act as a user would.
import { totpCode } from '../../server/people/totp.ts';
import { DEMO_PASSWORD, DEMO_TOTP_SECRET } from '../../db/seeds/demo.ts';

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export class HttpClient {
  cookie = '';
  /** Sent with every request (e.g. `x-forwarded-for`, to act from another address behind TRUST_PROXY). */
  headers: Record<string, string> = {};
  constructor(readonly base: string) {}

  async request<T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> {
    const h: Record<string, string> = { ...this.headers, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    let payload: string | Uint8Array | undefined;
    if (body !== undefined) {
      if (typeof body === 'string' || body instanceof Uint8Array) payload = body;
      else {
        payload = JSON.stringify(body);
        h['content-type'] ??= 'application/json';
      }
    }
    const res = await fetch(this.base + path, { method, headers: h, body: payload, redirect: 'manual' });
    const set = res.headers.getSetCookie?.() ?? [];
    for (const c of set) {
      const [pair] = c.split(';');
      const [name, value] = pair.split('=');
      if (name === 'dangan_sid') this.cookie = value ? `${name}=${value}` : '';
      if (/Expires=Thu, 01 Jan 1970/.test(c)) this.cookie = '';
    }
    const text = await res.text();
    let parsed: unknown = text;
    if ((res.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = any>(path: string) {
    return this.request<T>('GET', path);
  }
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', path, body ?? {}, headers);
  }

  /**
   * Logs in; when the server asks for a one-time code, sends `totp` (a code is good once: see
   * test/helpers/totp.ts, which TestSystem.as uses), else the demo secret's code for the real time.
   */
  async login(username: string, password = DEMO_PASSWORD, totp?: string): Promise<Answer> {
    let res = await this.post('/api/auth/login', { username, password });
    if (res.status === 401 && res.body?.code === 'TOTP_REQUIRED') {
      totp ??= await totpCode(DEMO_TOTP_SECRET, new Date());
      res = await this.post('/api/auth/login', { username, password, totp });
    }
    if (res.status !== 200) throw new Error(`login ${username} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return res;
  }
}
