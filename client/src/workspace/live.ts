// The one WebSocket of a workspace page (/api/live): events applied as they come; on a
// reconnect (with backoff), each open conversation catches up from its cursor and the lists
// (spaces, channels, notifications) are read again, so nothing missed is lost.

import { signal } from "@preact/signals";
import { allOpen, conversation, existing } from "./conversation";
import { route, go, paths } from "./router";
import {
  announce,
  channels,
  dropSpace,
  findChannel,
  loadChannels,
  loadDirects,
  loadMembers,
  loadNotices,
  loadSpaces,
  me,
  meetings,
  members,
  myId,
  notices,
  patchChannel,
  spaces,
  unreadNotices,
  isMine,
  liveUserId,
} from "./store";
import { t } from "./i18n";
import type { Channel, LiveEvent, Message } from "./types";

export type LiveState = "connecting" | "open" | "closed" | "absent";
export const liveState = signal<LiveState>("connecting");

const OUTBOX = "palabre.outbox";

let ws: WebSocket | null = null;
let attempt = 0;
let timer = 0;
let stopped = false;
let everOpened = false;
/** The channel the person is looking at (its new messages are not unread). */
export const viewing = signal<number | null>(null);

type Listener = (event: { type: string; [k: string]: unknown }) => void;
const listeners = new Set<Listener>();
/** Hear every live event (a panel that keeps itself current); returns the unsubscribe. */
export function onLiveEvent(fn: Listener): () => void {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function startLive(): () => void {
  stopped = false;
  resumeOutbox();
  connect();
  const online = () => {
    if (liveState.value !== "open") reconnectNow();
  };
  // The browser knows the network is gone: the socket is dead, whether it noticed or not.
  const offline = () => ws?.close();
  window.addEventListener("online", online);
  window.addEventListener("offline", offline);
  return () => {
    stopped = true;
    window.removeEventListener("online", online);
    window.removeEventListener("offline", offline);
    clearTimeout(timer);
    ws?.close();
    ws = null;
  };
}

/** Posts left unacknowledged by an earlier page are sent again. */
function resumeOutbox(): void {
  try {
    const raw = JSON.parse(localStorage.getItem(OUTBOX) ?? "[]") as { channel?: unknown }[];
    for (const p of raw) if (typeof p.channel === "number") conversation(p.channel);
  } catch {
    /* nothing to resume */
  }
}

function reconnectNow(): void {
  clearTimeout(timer);
  attempt = 0;
  if (!ws || ws.readyState === WebSocket.CLOSED) connect();
}

function connect(): void {
  if (stopped) return;
  const url = (location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/api/live";
  liveState.value = "connecting";
  let opened = false;
  const sock = new WebSocket(url);
  ws = sock;
  sock.onopen = () => {
    opened = true;
    attempt = 0;
    liveState.value = "open";
    if (everOpened) void catchUp();
    everOpened = true;
  };
  sock.onmessage = (e) => {
    try {
      const event = JSON.parse(String(e.data)) as LiveEvent;
      apply(event);
      for (const fn of listeners) fn(event as unknown as Parameters<Listener>[0]);
    } catch (err) {
      console.warn("live event not applied", err);
    }
  };
  sock.onclose = () => {
    if (ws !== sock) return;
    ws = null;
    if (stopped) return;
    // A server without /api/live refuses the upgrade at once, every time: stop asking often.
    liveState.value = !opened && !everOpened && attempt >= 3 ? "absent" : "closed";
    const delay = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5)) * (0.5 + Math.random() / 2);
    attempt++;
    timer = window.setTimeout(connect, delay);
  };
}

/** After a gap: what each open conversation missed, and the lists as they are now. */
async function catchUp(): Promise<void> {
  for (const c of allOpen()) {
    c.flush();
    c.catchUp().catch(() => c.loadLatest());
  }
  await Promise.allSettled([
    loadSpaces(),
    ...Object.keys(channels.value).map((s) => loadChannels(Number(s))),
    loadDirects(),
    loadNotices(),
  ]);
}

function send(data: unknown): void {
  if (ws?.readyState === WebSocket.OPEN) ws.send(JSON.stringify(data));
}

function apply(ev: LiveEvent): void {
  switch (ev.type) {
    case "hello":
      liveUserId.value = ev.user;
      break;
    case "ping":
      send({ type: "pong" });
      break;
    case "resync":
      // The server could not keep up with this page: what it missed, from the cursors.
      void catchUp();
      break;
    case "closing":
    case "error":
      console.warn("live:", ev.message);
      break;
    case "message.posted":
    case "message.changed":
      onMessage(ev.channel, ev.message, ev.type === "message.posted");
      break;
    case "typing":
      if (typeof ev.user === "number" ? ev.user !== myId.value : ev.user.id !== myId.value)
        conversation(ev.channel).someoneTyping(ev.user);
      break;
    case "channel.created":
    case "channel.changed":
      if (ev.space == null) void loadDirects();
      else void loadChannels(ev.space);
      break;
    case "channel.read":
      patchChannel(ev.channel, { unread: 0, mentions: 0, read_seq: ev.seq });
      existing(ev.channel)?.noteRead(ev.seq);
      break;
    case "space.joined":
    case "space.changed":
      void loadSpaces();
      if (ev.type === "space.changed" && channels.value[ev.space]) void loadChannels(ev.space);
      break;
    case "access.revoked":
      onRevoked(ev.space);
      break;
    case "member.changed":
      if (members.value[ev.space]) void loadMembers(ev.space);
      if (ev.user === myId.value) void loadSpaces();
      break;
    case "notification":
      notices.value = [ev.notification, ...(notices.value ?? []).filter((n) => n.id !== ev.notification.id)];
      if (!ev.notification.read) unreadNotices.value += 1;
      break;
    case "meeting.changed":
      meetings.value = {
        ...meetings.value,
        [ev.space]: {
          room: meetings.value[ev.space]?.room ?? spaces.value?.find((s) => s.id === ev.space)?.room ?? "",
          live: ev.live,
          participants: ev.participants,
        },
      };
      break;
  }
}

function onMessage(channel: number, m: Message, posted: boolean): void {
  const c = existing(channel);
  c?.apply(m);
  if (posted) c?.stoppedTyping(m);
  const known: Channel | undefined = findChannel(channel);
  if (!known) return;
  const patch: Partial<Channel> = { last_seq: Math.max(known.last_seq, m.seq) };
  if (posted && !m.thread_id && !isMine(m) && viewing.value !== channel) {
    patch.unread = (known.unread ?? 0) + 1;
    if (mentionsMe(m.body)) patch.mentions = (known.mentions ?? 0) + 1;
  }
  patchChannel(channel, patch);
}

/** Does this text name the person (@their-name) or everyone (@channel)? */
export function mentionsMe(body: string): boolean {
  const name = me.value?.name;
  const words = body.toLowerCase().match(/@[\p{L}\p{N}._@-]+/gu) ?? [];
  return words.some((w) => {
    const n = w.slice(1).replace(/[.,;:!?]+$/, "");
    return n === "channel" || (!!name && n === name.toLowerCase());
  });
}

function onRevoked(space: number): void {
  dropSpace(space);
  const r = route.value;
  if ((r.name === "space" || r.name === "channel" || r.name === "admin") && r.space === space) {
    go(paths.home(), true);
    announce(t("live.revoked"));
  }
}
