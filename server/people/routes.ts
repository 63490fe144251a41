// HTTP routes of the people domain: login, logout, me, the user's own password and authenticator.
// The routes marked allowPending answer even while a password change or TOTP enrolment is due.
import { route } from '../http/route.ts';
import { z } from '../http/zod.ts';
import { parseCookies } from '../http/middleware.ts';
import type { Services } from '../services.ts';
import { SESSION_COOKIE } from './sessions.ts';
import { changePasswordBody, languageBody, loginBody, meSchema, totpConfirmBody, totpSetupResult } from './schema.ts';

export function peopleRoutes(s: Services) {
  return [
    route({
      method: 'post',
      path: '/api/auth/login',
      summary: 'Log in; sets a new HttpOnly session cookie',
      description:
        '401 LOGIN_FAILED for any wrong credential or a locked or disabled account (one answer for all); 401 TOTP_REQUIRED when the password was right and a code is needed; 429 RATE_LIMITED when this address failed too often. A session cookie sent along is ended.',
      tags: ['auth'],
      permission: 'public',
      body: loginBody,
      response: meSchema,
      async handler({ body, ip, req, res }) {
        const presented = parseCookies(req.headers.cookie)[SESSION_COOKIE];
        const { token, user } = await s.people.login(body, ip, req.get('user-agent') ?? null, presented);
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
      allowPending: true,
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
      summary: 'The logged-in user with unit, roles and what they must do first',
      tags: ['auth'],
      permission: 'authenticated',
      allowPending: true,
      response: meSchema,
      handler: ({ user }) => s.people.me(user.id),
    }),
    route({
      method: 'put',
      path: '/api/me/language',
      summary: 'Change my language (zh or en): my mails follow it',
      description:
        'The browser calls it when I switch the language while logged in, and from 个人设置. Audited as user.language (from, to); the same language again writes nothing. Answers even while a password change is due (the page asking for it has the switch).',
      tags: ['auth'],
      permission: 'authenticated',
      allowPending: true,
      body: languageBody,
      response: meSchema,
      handler: ({ body, user, ip }) => s.people.setLanguage(user, ip, body.language),
    }),
    route({
      method: 'post',
      path: '/api/auth/password',
      summary: 'Change my password',
      description:
        '400 PASSWORD_POLICY with each broken rule in details (minLength, classes, containsUsername, whitespace, history); 400 CURRENT_PASSWORD_WRONG (counts towards the lockout). Ends my other sessions.',
      tags: ['auth'],
      permission: 'authenticated',
      allowPending: true,
      body: changePasswordBody,
      response: meSchema,
      handler: ({ body, user, ip }) => s.credentials.changePassword(user, ip, body.currentPassword, body.newPassword),
    }),
    route({
      method: 'post',
      path: '/api/auth/totp/setup',
      summary: 'Start enrolling a TOTP authenticator (RFC 6238, SHA-1, 6 digits, 30 s)',
      description: '409 TOTP_ALREADY_ENROLLED when one is enrolled (the security administrator resets it).',
      tags: ['auth'],
      permission: 'authenticated',
      allowPending: true,
      response: totpSetupResult,
      handler: ({ user, ip }) => s.credentials.totpSetup(user, ip),
    }),
    route({
      method: 'post',
      path: '/api/auth/totp/confirm',
      summary: 'Finish enrolment with a code from the authenticator',
      tags: ['auth'],
      permission: 'authenticated',
      allowPending: true,
      body: totpConfirmBody,
      response: meSchema,
      handler: ({ body, user, ip }) => s.credentials.totpConfirm(user, ip, body.code),
    }),
  ];
}
