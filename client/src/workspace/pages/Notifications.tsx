// In-app notifications: mentions, replies in one's threads, invitations, direct messages.

import { useEffect } from "preact/hooks";
import * as api from "../api";
import { fmtDateTime } from "../format";
import { t } from "../i18n";
import { channelPath, paths } from "../router";
import {
  absent,
  findChannel,
  loadMembers,
  loadNotices,
  loadOlderNotices,
  members,
  moreNotices,
  notices,
  personById,
  personName,
  unreadNotices,
} from "../store";
import type { Notice } from "../types";
import { Absent, ErrorNote, Link, Loading, useAction } from "../ui";

function target(n: Notice): string {
  if (n.channel_id) {
    const space = n.space_id ?? findChannel(n.channel_id)?.space ?? null;
    return channelPath(space, n.channel_id, n.message_id ? { message: n.message_id } : undefined);
  }
  if (n.space_id) return paths.space(n.space_id);
  return paths.notifications();
}

function markLocal(ids: number[] | null, unread: number): void {
  const list = notices.value ?? [];
  notices.value = list.map((n) => (ids === null || ids.includes(n.id) ? { ...n, read: true } : n));
  unreadNotices.value = unread;
}

function markRead(id: number): void {
  api.readNotifications([id]).then(
    (answer) => markLocal([id], answer.unread),
    () => {},
  );
}

export function NotificationsPage() {
  useEffect(() => {
    void loadNotices().catch(() => {});
  }, []);
  const list = notices.value;
  // Who did it: the members of the spaces the notifications come from.
  const spaceIds = [...new Set((list ?? []).map((n) => n.space_id).filter((s): s is number => s !== null))];
  useEffect(() => {
    for (const s of spaceIds) if (!members.value[s]) void loadMembers(s).catch(() => {});
  }, [spaceIds.join(",")]);
  const all = useAction(async () => {
    const answer = await api.readNotifications();
    markLocal(null, answer.unread);
  });
  return (
    <section class="ws-card">
      <div class="ws-head">
        <h1 tabIndex={-1}>{t("notices.title")}</h1>
        {list && list.some((n) => !n.read) && (
          <button type="button" class="btn" id="read-all" onClick={() => void all.run()} disabled={all.busy}>
            {t("notices.readAll")}
          </button>
        )}
      </div>
      <ErrorNote error={all.error} />
      {absent.value.has("notifications") ? (
        <Absent what={t("notices.title")} />
      ) : list === null ? (
        <Loading />
      ) : list.length === 0 ? (
        <p>{t("notices.none")}</p>
      ) : (
        <ul class="ws-notices">
          {list.map((n) => {
            const actor = personName(personById(n.actor_id));
            return (
              <li key={n.id} class={n.read ? "read" : "unread"}>
                <span class="ws-notice-kind">
                  {t(("notices.kind." + n.kind) as "notices.kind.mention") || n.kind}
                  {!n.read && <span class="sr-only"> ({t("notices.new")})</span>}
                </span>
                <Link
                  href={target(n)}
                  onClick={() => {
                    if (!n.read) markRead(n.id);
                  }}
                >
                  {actor && <strong>{actor}: </strong>}
                  {n.text || t("notices.open")}
                </Link>
                <time class="ws-muted" dateTime={n.created_at}>
                  {fmtDateTime(n.created_at)}
                </time>
                {!n.read && (
                  <button
                    type="button"
                    class="btn small"
                    onClick={() => markRead(n.id)}
                  >
                    {t("notices.markRead")}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      {moreNotices.value && (
        <button type="button" class="btn" onClick={() => void loadOlderNotices().catch(() => {})}>
          {t("notices.more")}
        </button>
      )}
    </section>
  );
}
