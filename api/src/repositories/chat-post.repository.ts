import { SQL_UTC_NOW, type SqlExecutor, type SqlStatement } from './db/sql.js';
import { uuidv7 } from './db/uuid7.js';

export type ChatPostVerdict =
  | { ok: true; message: { id: string; streamId: string; text: string; createdAt: Date; user: { id: string; displayName: string } } }
  | { ok: false; reason: 'not_found' | 'stream_ended' | 'banned' | 'timed_out' | 'blocked_word' }
  | { ok: false; reason: 'slow_mode'; waitSeconds: number };

// Every rule of ChatService.send, decided and applied in one statement: in a
// busy room each await of the send path waits behind a fan-out flush, so six
// sequential queries cost six flushes; one costs one. The creator and their
// moderators skip the viewer rules. Bans and timeouts span the creator's
// streams (the latest ban/unban decides); slow mode and blocked words are the
// stream's latest settings in the moderation log.
const POST: SqlStatement = {
  name: 'chat_post_v1',
  text: `
WITH s AS (SELECT id, "creatorId", status::text AS status FROM streams WHERE id = $1::uuid),
staff AS (
  SELECT s."creatorId" = $2::uuid
      OR EXISTS (SELECT 1 FROM stream_moderators m WHERE m."creatorId" = s."creatorId" AND m."moderatorId" = $2::uuid) AS yes
    FROM s),
last_ban AS (
  SELECT a.kind::text AS kind FROM moderation_actions a JOIN streams st ON st.id = a."streamId"
   WHERE a."targetUserId" = $2::uuid AND st."creatorId" = (SELECT "creatorId" FROM s) AND a.kind IN ('ban', 'unban')
   ORDER BY a."createdAt" DESC LIMIT 1),
timed_out AS (
  SELECT 1 FROM moderation_actions a JOIN streams st ON st.id = a."streamId"
   WHERE a."targetUserId" = $2::uuid AND st."creatorId" = (SELECT "creatorId" FROM s) AND a.kind = 'timeout'
     AND a."expiresAt" > ${SQL_UTC_NOW} LIMIT 1),
slow AS (
  SELECT coalesce((a.detail->>'seconds')::int, 0) AS seconds FROM moderation_actions a
   WHERE a."streamId" = $1::uuid AND a.kind = 'slow_mode' ORDER BY a."createdAt" DESC LIMIT 1),
words AS (
  SELECT a.detail->'words' AS words FROM moderation_actions a
   WHERE a."streamId" = $1::uuid AND a.kind = 'blocked_words' ORDER BY a."createdAt" DESC LIMIT 1),
wait AS (
  SELECT ceil(extract(epoch FROM (m."createdAt" + make_interval(secs => (SELECT seconds FROM slow)) - ${SQL_UTC_NOW})))::int AS seconds
    FROM chat_messages m WHERE m."streamId" = $1::uuid AND m."userId" = $2::uuid ORDER BY m."createdAt" DESC LIMIT 1),
verdict AS (
  SELECT CASE
    WHEN NOT EXISTS (SELECT 1 FROM s) THEN 'not_found'
    WHEN (SELECT status FROM s) = 'ended' THEN 'stream_ended'
    WHEN (SELECT yes FROM staff) THEN 'ok'
    WHEN (SELECT kind FROM last_ban) = 'ban' THEN 'banned'
    WHEN EXISTS (SELECT 1 FROM timed_out) THEN 'timed_out'
    WHEN EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce((SELECT words FROM words), '[]'::jsonb)) w
                  WHERE strpos(lower($3), lower(w)) > 0) THEN 'blocked_word'
    WHEN coalesce((SELECT seconds FROM slow), 0) > 0 AND coalesce((SELECT seconds FROM wait), 0) > 0 THEN 'slow_mode'
    ELSE 'ok' END AS v),
posted AS (
  INSERT INTO chat_messages (id, "streamId", "userId", text)
  SELECT $4::uuid, $1::uuid, $2::uuid, $3 FROM verdict WHERE v = 'ok'
  RETURNING "createdAt")
SELECT (SELECT v FROM verdict) AS verdict, (SELECT seconds FROM wait) AS wait,
       (SELECT "createdAt" AT TIME ZONE 'UTC' FROM posted) AS "createdAt", (SELECT "displayName" FROM users WHERE id = $2::uuid) AS "displayName"`,
};

// createdAt comes back as timestamptz (the column holds UTC, as Prisma writes it), so every driver makes the same Date.
type Row = { verdict: string; wait: number | null; createdAt: Date | null; displayName: string | null };

export class ChatPostRepository {
  constructor(private readonly sql: SqlExecutor) {}

  async post(streamId: string, userId: string, text: string): Promise<ChatPostVerdict> {
    const id = uuidv7();
    const [row] = await this.sql.query<Row>(POST, [streamId, userId, text, id]);
    const verdict = row?.verdict ?? 'not_found';
    if (verdict === 'ok' && row?.createdAt) {
      const user = { id: userId, displayName: row.displayName ?? 'Someone' };
      return { ok: true, message: { id, streamId, text, createdAt: new Date(row.createdAt), user } };
    }
    if (verdict === 'slow_mode') return { ok: false, reason: 'slow_mode', waitSeconds: Math.max(1, row?.wait ?? 1) };
    return { ok: false, reason: verdict as 'not_found' | 'stream_ended' | 'banned' | 'timed_out' | 'blocked_word' };
  }
}
