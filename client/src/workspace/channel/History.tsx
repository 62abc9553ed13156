// A conversation's history: oldest at the top, newest at the bottom; scrolling up (or the
// "Earlier messages" button) loads the page before; the position holds while it grows.
// A line marks where the person's unread messages begin; days are separated.

import { Fragment } from "preact";
import { useEffect, useLayoutEffect, useRef } from "preact/hooks";
import type { Conversation, Pending } from "../conversation";
import { fmtDay, fmtTime, sameDay } from "../format";
import { t } from "../i18n";
import { isMine } from "../store";
import type { Message } from "../types";
import { ErrorNote } from "../ui";
import { MessageItem } from "./MessageItem";

const NEAR = 120;

interface HistoryProps {
  conv: Conversation;
  label: string;
  readSeq: number | null;
  canWrite: boolean;
  canModerate: boolean;
  onThread: (m: Message) => void;
  onSeen: (seq: number) => void;
  highlight?: number;
}

/** Where the history is scrolled: the position held as older messages come in at the top,
 * new ones followed at the bottom, the asked-for message shown; near the top the page
 * before is loaded, at the bottom (page visible) the last message is seen. */
function useHistoryScroll(
  conv: Conversation,
  pendingCount: number,
  highlight: number | undefined,
  onSeen: (seq: number) => void,
) {
  const list = conv.messages.value;
  const scroller = useRef<HTMLDivElement>(null);
  const shape = useRef({ first: 0, height: 0, count: 0, atBottom: true });
  const first = list[0]?.id ?? 0;

  // Older messages came in at the top: keep what the person looked at in place. New ones
  // at the bottom: follow them if the person was at the bottom.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const before = shape.current;
    if (before.count && before.first !== first && highlight === undefined)
      el.scrollTop += el.scrollHeight - before.height;
    else if (before.atBottom && highlight === undefined) el.scrollTop = el.scrollHeight;
    shape.current = { first, height: el.scrollHeight, count: list.length, atBottom: before.atBottom };
  }, [list, pendingCount, first]);

  // The page asked for a message (a search result, a notification): show it.
  useEffect(() => {
    if (highlight === undefined) return;
    const el = document.getElementById(`m-${highlight}`);
    if (el) {
      el.scrollIntoView({ block: "center" });
      el.focus({ preventScroll: true });
    }
  }, [highlight, list.length > 0]);

  const check = () => {
    const el = scroller.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR;
    shape.current.atBottom = atBottom;
    shape.current.height = el.scrollHeight;
    if (el.scrollTop < 300 && !conv.complete.value && !conv.loading.value) void conv.loadOlder();
    const last = conv.messages.value[conv.messages.value.length - 1];
    if (atBottom && last && document.visibilityState === "visible") onSeen(last.seq);
  };
  useEffect(() => {
    check();
    const onVisible = () => check();
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("focus", onVisible);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener("focus", onVisible);
    };
  }, [list]);

  return { scroller, check };
}

/** The top of the history: "Earlier messages" (or, all loaded, its start) and a load error. */
function HistoryTop({ conv }: { conv: Conversation }) {
  return (
    <div class="ws-history-top">
      {conv.complete.value ? (
        conv.loaded.value && <p class="ws-muted ws-start">{t("history.start")}</p>
      ) : (
        <button
          type="button"
          class="btn small"
          id="load-older"
          disabled={conv.loading.value}
          onClick={() => void conv.loadOlder()}
        >
          {conv.loading.value ? t("loading") : t("history.older")}
        </button>
      )}
      <ErrorNote error={conv.error.value} />
    </div>
  );
}

export function History(props: HistoryProps) {
  const { conv } = props;
  const list = conv.messages.value;
  const pending = conv.pending.value.filter((p) => !p.thread_id);
  const { scroller, check } = useHistoryScroll(conv, pending.length, props.highlight, props.onSeen);

  const unreadFrom =
    props.readSeq === null ? -1 : list.findIndex((m) => m.seq > props.readSeq! && !isMine(m));

  return (
    <div class="ws-history" ref={scroller} onScroll={check} tabIndex={0} role="region" aria-label={props.label}>
      <HistoryTop conv={conv} />
      <ol class="ws-messages">
        {list.map((m, i) => {
          const prev = list[i - 1];
          return (
            <Fragment key={m.id}>
              {(!prev || !sameDay(prev.created_at, m.created_at)) && (
                <li class="ws-day" aria-hidden="false">
                  <span>{fmtDay(m.created_at)}</span>
                </li>
              )}
              {i === unreadFrom && (
                <li class="ws-unread-line" id="unread-line">
                  <span>{t("history.new")}</span>
                </li>
              )}
              <MessageItem
                m={m}
                conv={conv}
                canWrite={props.canWrite}
                canModerate={props.canModerate}
                onThread={props.onThread}
                highlight={m.id === props.highlight}
              />
            </Fragment>
          );
        })}
        {pending.map((p) => (
          <PendingItem key={p.client_id} p={p} conv={conv} />
        ))}
      </ol>
    </div>
  );
}

export function PendingItem({ p, conv }: { p: Pending; conv: Conversation }) {
  return (
    <li class={"ws-msg pending " + p.state} data-client-id={p.client_id}>
      <div class="ws-msg-head">
        <span class="ws-msg-who">{t("chat.you")}</span>
        <time dateTime={p.created_at}>{fmtTime(p.created_at)}</time>
        <span class="ws-muted" role="status">
          {p.state === "sending" ? t("msg.sending") : t("msg.failed")}
        </span>
      </div>
      {p.body && <p class="ws-msg-body ws-plain">{p.body}</p>}
      {p.files?.length ? <p class="ws-muted">📎 {p.files.map((f) => f.name).join(", ")}</p> : null}
      {p.state === "failed" && (
        <div class="ws-actions">
          {p.error && <span class="ws-error">{p.error}</span>}
          <button type="button" class="btn small" onClick={() => conv.retry(p.client_id)}>
            {t("msg.retry")}
          </button>
          <button type="button" class="btn small" onClick={() => conv.discard(p.client_id)}>
            {t("msg.discard")}
          </button>
        </div>
      )}
    </li>
  );
}
