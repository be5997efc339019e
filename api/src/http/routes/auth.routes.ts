import { loginBodySchema, meResponseSchema, registerBodySchema, userResponseSchema } from '@hawker/shared';
import { z } from 'zod';
import type { AuthService } from '../../services/auth.service.js';
import { route, type AnyRouteSpec } from '../route.js';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from '../session-cookie.js';

export function authRoutes(auth: AuthService, cookieSecure: boolean): AnyRouteSpec[] {
  return [
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
