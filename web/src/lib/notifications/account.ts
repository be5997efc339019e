import { apiFetch } from '../api.js';

// The account mail's endpoints: the password-reset and verification links
// arrive by email, through the same outbox as notification mail. Each answers
// `{ ok: true }` or throws ApiError with the api's message (and `code`:
// invalid_token, weak_password, invalid_body, rate_limited).

type Ok = { ok: true };

/** Always the same answer whether or not the email has an account (202); 429 when asked too often. */
export const requestPasswordReset = (email: string) => apiFetch<Ok>('/api/auth/password-reset', { body: { email } });

/** Sets the new password with the emailed single-use token; every session of the account ends. */
export const confirmPasswordReset = (token: string, password: string) =>
  apiFetch<Ok>('/api/auth/password-reset/confirm', { body: { token, password } });

export const verifyEmail = (token: string) => apiFetch<Ok>('/api/auth/verify-email', { body: { token } });

/** Logged in only: sends the verification link again (202). */
export const resendVerification = () => apiFetch<Ok>('/api/auth/verify-email/resend', { method: 'POST' });

/** The api refuses passwords shorter than this (passwordSchema); shown as a hint before submitting. */
export const MIN_PASSWORD_LENGTH = 8;
