import { emailSchema, loginBodySchema, meResponseSchema, passwordSchema, registerBodySchema, userResponseSchema } from '@hawker/shared';
import { z } from 'zod';
import type { AuthService } from '../../services/auth.service.js';
import type { AccountService } from '../../services/account.service.js';
import { route, type AnyRouteSpec } from '../route.js';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../session-cookie.js';

const ok = z.object({ ok: z.literal(true) });
const tokenField = z.string().min(20).max(200);

export function authRoutes(auth: AuthService, accounts: AccountService, cookieSecure: boolean): AnyRouteSpec[] {
  return [
    route({
      method: 'post',
      path: '/auth/password-reset',
      summary: 'Email a single-use link (30 minutes) to reset the password; the answer is the same whether or not the email has an account',
      tags: ['auth'],
      auth: 'none',
      body: z.object({ email: emailSchema }).strict(),
      status: 202,
      response: ok,
      errors: [429],
      async handler({ body, req }) {
        await accounts.requestPasswordReset(body.email, req.ip ?? 'unknown');
        return { ok: true as const };
      },
    }),
    route({
      method: 'post',
      path: '/auth/password-reset/confirm',
      summary: 'Set a new password with the emailed token (single use); every session of the account ends',
      tags: ['auth'],
      auth: 'none',
      body: z.object({ token: tokenField, password: passwordSchema }).strict(),
      response: ok,
      errors: [400, 429],
      async handler({ body, req }) {
        await accounts.resetPassword(body.token, body.password, req.ip ?? 'unknown');
        return { ok: true as const };
      },
    }),
    route({
      method: 'post',
      path: '/auth/verify-email',
      summary: 'Confirm the email address with the emailed token',
      tags: ['auth'],
      auth: 'none',
      body: z.object({ token: tokenField }).strict(),
      response: ok,
      errors: [400],
      async handler({ body }) {
        await accounts.verifyEmail(body.token);
        return { ok: true as const };
      },
    }),
    route({
      method: 'post',
      path: '/auth/verify-email/resend',
      summary: 'Send the verification link again',
      tags: ['auth'],
      auth: 'required',
      status: 202,
      response: ok,
      errors: [429],
      async handler({ principal, req }) {
        await accounts.resendVerification(principal, req.ip ?? 'unknown');
        return { ok: true as const };
      },
    }),
    route({
      method: 'post',
      path: '/auth/register',
      summary: 'Create an account and log in',
      tags: ['auth'],
      auth: 'none',
      body: registerBodySchema,
      status: 201,
      response: userResponseSchema,
      errors: [409, 429],
      async handler({ body, req, res }) {
        const session = await auth.register(body, { userAgent: req.get('user-agent'), ip: req.ip });
        setSessionCookie(res, session.token, session.expiresAt, cookieSecure);
        // Registration stands even if the mail cannot be queued now; the person can ask again.
        await accounts.sendVerification(session.user.id, req.ip ?? 'unknown').catch(() => undefined);
        return { user: session.user };
      },
    }),
    route({
      method: 'post',
      path: '/auth/login',
      summary: 'Log in with email and password; sets an httpOnly session cookie',
      tags: ['auth'],
      auth: 'none',
      body: loginBodySchema,
      response: userResponseSchema,
      errors: [401, 429],
      async handler({ body, req, res }) {
        const session = await auth.login(body, { userAgent: req.get('user-agent'), ip: req.ip });
        setSessionCookie(res, session.token, session.expiresAt, cookieSecure);
        return { user: session.user };
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      summary: 'End the current session',
      tags: ['auth'],
      auth: 'optional',
      response: z.object({ ok: z.literal(true) }),
      async handler({ req, res }) {
        await auth.logout(sessionTokenOf(req));
        clearSessionCookie(res, cookieSecure);
        return { ok: true as const };
      },
    }),
    route({
      method: 'get',
      path: '/me',
      summary: 'The logged-in user and their shops',
      tags: ['auth'],
      auth: 'required',
      response: meResponseSchema,
      handler: ({ principal }) => auth.me(principal),
    }),
  ];
}
