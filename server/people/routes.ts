// HTTP routes of the people domain: login, logout, me.
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import type { Services } from '../services.ts';
import { SESSION_COOKIE } from './sessions.ts';
import { loginBody, meSchema } from './schema.ts';

export function peopleRoutes(s: Services) {
  return [
    route({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Log in; sets the HttpOnly session cookie',
      tags: ['auth'],
      permission: 'public',
      body: loginBody,
      response: meSchema,
      async handler({ body, ip, req, res }) {
        const { token, user } = await s.people.login(body, ip, req.get('user-agent') ?? null);
        res.cookie(SESSION_COOKIE, token, {
          httpOnly: true,
          sameSite: 'strict',
          secure: req.secure,
          path: '/',
        });
        return user;
      },
    }),
    route({
      method: 'post',
      path: '/api/auth/logout',
      summary: 'Log out and end the session',
      tags: ['auth'],
      permission: 'authenticated',
      response: z.object({ ok: z.literal(true) }),
      async handler({ user, ip, res }) {
        await s.people.logout(user, ip);
        res.clearCookie(SESSION_COOKIE, { path: '/' });
        return { ok: true as const };
      },
    }),
    route({
      method: 'get',
      path: '/api/me',
      summary: 'The logged-in user with unit and roles',
      tags: ['auth'],
      permission: 'authenticated',
      response: meSchema,
      handler: ({ user }) => s.people.me(user.id),
    }),
  ];
}
