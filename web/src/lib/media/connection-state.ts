/**
 * Where a media connection (publisher, viewer, player) is, after LiveKit's
 * ConnectionState: one explicit value the UI renders instead of a set of flags.
 *
 * - idle: nothing started yet
 * - connecting: signaling, transport set-up, ICE/DTLS, or a retry under way
 * - connected: media is flowing (or, for a viewer, ready to flow)
 * - failed: gave up; the owner decides whether to retry or fall back
 * - closed: ended on purpose (End pressed, page left, broadcast over)
 */
export const connectionStates = ['idle', 'connecting', 'connected', 'failed', 'closed'] as const;
export type ConnectionState = (typeof connectionStates)[number];
