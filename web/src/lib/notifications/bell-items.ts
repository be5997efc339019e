import type { NotificationKind, NotificationPayload, NotificationPush, NotificationView } from '@hawker/shared';

// The bell's items, and how a pushed item (no id) is matched to the row a later pull returns.

/** One line in the bell. */
export interface BellNotification {
  /** Stable for the item's life in the list (keyed each); the id once known, else a local key. */
  key: string;
  /**
   * The server's id. Null for one heard by push and not yet matched to a row
   * from a pull: pushes carry no id, and a creator's go-live reaches followers
   * before their rows are written (the fan-out writes them behind the push).
   */
  id: string | null;
  kind: NotificationKind;
  payload: NotificationPayload;
  createdAt: string;
  read: boolean;
  /** Heard live on the socket (so a later push of the same row is not counted twice). */
  pushed: boolean;
}

/**
 * How far apart a push and a pulled row may be in time and still be the same
 * notification. A go-live is pushed first and written in batches afterwards
 * (seconds for 100,000 followers, longer if a node had to pick the job up).
 */
export const MATCH_BEFORE_MS = 60_000;
export const MATCH_AFTER_MS = 10 * 60_000;
export function sameNotification(
  a: { kind: string; payload: NotificationPayload },
  b: NotificationPush,
  rowAt: string,
  pushAt: string,
): boolean {
  if (a.kind !== b.kind || !samePayload(a.payload, b.payload)) return false;
  const gap = Date.parse(rowAt) - Date.parse(pushAt);
  return gap >= -MATCH_BEFORE_MS && gap <= MATCH_AFTER_MS;
}

function samePayload(a: NotificationPayload, b: NotificationPayload): boolean {
  return a.title === b.title && a.body === b.body && a.url === b.url && a.creatorId === b.creatorId;
}

/** The pushed, still unmatched item that is this row: same kind and payload, nearest in time. */
export function closestPush(items: BellNotification[], view: NotificationView): number {
  let best = -1;
  let bestGap = Infinity;
  items.forEach((n, i) => {
    if (n.id !== null || !sameNotification(view, n, view.createdAt, n.createdAt)) return;
    const gap = Math.abs(Date.parse(view.createdAt) - Date.parse(n.createdAt));
    if (gap < bestGap) {
      best = i;
      bestGap = gap;
    }
  });
  return best;
}
