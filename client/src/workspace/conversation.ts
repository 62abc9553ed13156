// One channel's (or direct conversation's) messages as this page holds them: the history
// loaded so far (newest pages first, older ones as the person scrolls up), the threads
// opened, the posts not yet acknowledged, who is typing, and the cursor from which a
// reconnecting page catches up (GET /api/channels/{cid}/changes?after=<cursor>).
//
// Posting is optimistic: a post shows at once with a client_id (a UUID) and is sent again,
// with the same client_id, until the server acknowledges it (the server makes a retry the
// same message). Unacknowledged posts are kept in localStorage, so a reload sends them too.

import { signal, type Signal } from "@preact/signals";
import * as api from "./api";
import { ApiError } from "./api";
import { patchChannel, personById, personName } from "./store";
import type { Message, Person } from "./types";

export const PAGE = 50;
const OUTBOX = "palabre.outbox";
const TYPING_MS = 6000;

export interface Pending {
  client_id: string;
  channel: number;
  body: string;
  thread_id?: number;
  files?: { id: string; name: string; size: number }[]; // space files attached
  created_at: string;
  state: "sending" | "failed";
  error?: string;
}

export function uuid(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function readOutbox(): Pending[] {
  try {
    const raw = JSON.parse(localStorage.getItem(OUTBOX) ?? "[]") as unknown;
    return Array.isArray(raw) ? (raw as Pending[]) : [];
  } catch {
    return [];
  }
}

function writeOutbox(all: Pending[]): void {
  try {
    if (all.length) localStorage.setItem(OUTBOX, JSON.stringify(all));
    else localStorage.removeItem(OUTBOX);
  } catch {
    /* storage may be disabled: the posts are retried while the page lives */
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function byId<T extends { id: number }>(list: T[], item: T): number {
  return list.findIndex((x) => x.id === item.id);
}

function insertBySeq(list: Message[], m: Message): Message[] {
  const i = byId(list, m);
  if (i >= 0) {
    const old = list[i]!;
    if (old.changed_seq > m.changed_seq) return list; // a late notice of an older state
    const next = list.slice();
    next[i] = m;
    return next;
  }
  const next = list.slice();
  let at = next.length;
  while (at > 0 && next[at - 1]!.seq > m.seq) at--;
  next.splice(at, 0, m);
  return next;
}

export class Conversation {
  readonly messages = signal<Message[]>([]);
  readonly pending = signal<Pending[]>([]);
  readonly complete = signal(false);
  readonly loading = signal(false);
  readonly loaded = signal(false);
  readonly error = signal<ApiError | null>(null);
  readonly typing = signal<{ key: string; name: string; until: number }[]>([]);
  readonly threads = new Map<number, Signal<Message[] | null>>();
  cursor = 0;
  private readSent = 0;
  private typingTimer = 0;
  private delivering = new Set<string>();

  constructor(readonly id: number) {
    this.pending.value = readOutbox().filter((p) => p.channel === id);
    for (const p of this.pending.value) if (p.state === "sending") void this.deliver(p);
  }

  /** The newest page of history (again after a reconnect, if the page missed too much). */
  async loadLatest(lastSeq = 0): Promise<void> {
    this.loading.value = true;
    try {
      const page = await api.history(this.id, undefined, PAGE);
      this.error.value = null;
      let list: Message[] = [];
      for (const m of page.messages) list = insertBySeq(list, m);
      // What arrived while the page was asked for (a post's answer, a live event) is newer
      // than the page, or a later state of one of its messages: it is kept, not overwritten.
      const newest = list.length ? list[list.length - 1]!.seq : 0;
      for (const m of this.messages.value) if (m.seq > newest || byId(list, m) >= 0) list = insertBySeq(list, m);
      this.messages.value = list;
      this.complete.value = !page.more;
      this.cursor = Math.max(lastSeq, this.cursor, ...page.messages.map((m) => m.changed_seq));
      this.loaded.value = true;
    } catch (e) {
      this.error.value = e instanceof ApiError ? e : new ApiError(0, "network", String(e));
    } finally {
      this.loading.value = false;
    }
  }

  /** The page before the oldest message held. */
  async loadOlder(): Promise<boolean> {
    if (this.loading.value || this.complete.value) return false;
    const oldest = this.messages.value[0];
    if (!oldest) return false;
    this.loading.value = true;
    try {
      const page = await api.history(this.id, oldest.seq, PAGE);
      let list = this.messages.value;
      for (const m of page.messages) list = insertBySeq(list, m);
      this.messages.value = list;
      if (!page.more) this.complete.value = true;
      return page.messages.length > 0;
    } catch (e) {
      this.error.value = e instanceof ApiError ? e : new ApiError(0, "network", String(e));
      return false;
    } finally {
      this.loading.value = false;
    }
  }

  /** Everything that changed while the page was not listening. */
  async catchUp(): Promise<void> {
    if (!this.loaded.value) return;
    for (let round = 0; round < 100; round++) {
      const { messages, more, cursor } = await api.changes(this.id, this.cursor);
      for (const m of messages) this.apply(m, true);
      this.cursor = Math.max(this.cursor, cursor);
      if (!more || messages.length === 0) return;
    }
  }

  /** A message as the server has it now: posted, edited, deleted, reacted to, pinned. */
  apply(m: Message, catchingUp = false): void {
    this.cursor = Math.max(this.cursor, m.changed_seq);
    if (m.client_id) this.settle(m.client_id);
    if (m.thread_id) {
      const replies = this.threads.get(m.thread_id);
      if (replies?.value) replies.value = insertBySeq(replies.value, m);
      return;
    }
    const list = this.messages.value;
    const oldest = list[0];
    const known = byId(list, m) >= 0;
    // A change to a message older than what is held waits for the scroll that loads it.
    if (!known && catchingUp && oldest && m.seq < oldest.seq && !this.complete.value) return;
    this.messages.value = insertBySeq(list, m);
    const root = this.threads.get(m.id);
    if (root?.value && root.value[0]?.id === m.id) root.value = insertBySeq(root.value, m);
  }

  /** A thread: its first message, then its replies, oldest first. */
  thread(root: number): Signal<Message[] | null> {
    let s = this.threads.get(root);
    if (!s) {
      s = signal<Message[] | null>(null);
      this.threads.set(root, s);
    }
    return s;
  }

  async loadThread(root: number): Promise<void> {
    const s = this.thread(root);
    let list: Message[] = [];
    const head = this.messages.value.find((m) => m.id === root);
    if (head) list = [head];
    let after: number | undefined;
    for (let round = 0; round < 100; round++) {
      const page = await api.thread(this.id, root, after);
      for (const m of page.messages) list = insertBySeq(list, m);
      const last = page.messages[page.messages.length - 1];
      if (!page.more || !last) break;
      after = last.seq;
    }
    s.value = list;
  }

  send(body: string, thread_id?: number, files?: Pending["files"]): void {
    const p: Pending = {
      client_id: uuid(),
      channel: this.id,
      body,
      thread_id,
      ...(files?.length ? { files } : {}),
      created_at: new Date().toISOString(),
      state: "sending",
    };
    this.pending.value = [...this.pending.value, p];
    this.save();
    void this.deliver(p);
  }

  retry(client_id: string): void {
    const p = this.pending.value.find((x) => x.client_id === client_id);
    if (!p) return;
    const again = { ...p, state: "sending" as const, error: undefined };
    this.pending.value = this.pending.value.map((x) => (x.client_id === client_id ? again : x));
    this.save();
    void this.deliver(again);
  }

  discard(client_id: string): void {
    this.settle(client_id);
  }

  /** Sends until acknowledged; a refusal (4xx) stops and shows the post as not sent. */
  private async deliver(p: Pending): Promise<void> {
    if (this.delivering.has(p.client_id)) return;
    this.delivering.add(p.client_id);
    try {
      for (let attempt = 0; ; attempt++) {
        if (!this.pending.value.some((x) => x.client_id === p.client_id)) return;
        try {
          const m = await api.postMessage(this.id, p.body, p.client_id, p.thread_id, p.files?.map((f) => f.id));
          this.settle(p.client_id);
          this.apply(m);
          return;
        } catch (e) {
          if (e instanceof ApiError && !e.transient) {
            this.pending.value = this.pending.value.map((x) =>
              x.client_id === p.client_id ? { ...x, state: "failed", error: e.message } : x,
            );
            this.save();
            return;
          }
          await sleep(Math.min(15_000, 500 * 2 ** Math.min(attempt, 5)) * (0.75 + Math.random() / 2));
        }
      }
    } finally {
      this.delivering.delete(p.client_id);
    }
  }

  /** A network came back (the live connection reopened): send what waits, at once. */
  flush(): void {
    for (const p of this.pending.value) if (p.state === "sending") void this.deliver(p);
  }

  private settle(client_id: string): void {
    if (!this.pending.value.some((x) => x.client_id === client_id)) return;
    this.pending.value = this.pending.value.filter((x) => x.client_id !== client_id);
    this.save();
  }

  private save(): void {
    const others = readOutbox().filter((p) => p.channel !== this.id);
    writeOutbox([...others, ...this.pending.value]);
  }

  /** The read marker moves forward to `seq` (never back). */
  markRead(seq: number): void {
    if (seq <= this.readSent) return;
    this.readSent = seq;
    patchChannel(this.id, { unread: 0, mentions: 0, read_seq: seq });
    api.markRead(this.id, seq).catch(() => {
      this.readSent = 0; // tried again on the next look
    });
  }

  noteRead(seq: number): void {
    this.readSent = Math.max(this.readSent, seq);
  }

  someoneTyping(user: number | Person): void {
    const person = typeof user === "number" ? personById(user) : user;
    const key = String(typeof user === "number" ? user : user.id);
    const name = personName(person) || "…";
    const until = Date.now() + TYPING_MS;
    this.typing.value = [...this.typing.value.filter((x) => x.key !== key), { key, name, until }];
    clearTimeout(this.typingTimer);
    this.typingTimer = window.setTimeout(() => this.pruneTyping(), TYPING_MS + 50);
  }

  stoppedTyping(m: Message): void {
    const key = String(m.author?.id ?? "");
    if (this.typing.value.some((x) => x.key === key))
      this.typing.value = this.typing.value.filter((x) => x.key !== key);
  }

  private pruneTyping(): void {
    const now = Date.now();
    this.typing.value = this.typing.value.filter((x) => x.until > now);
    if (this.typing.value.length)
      this.typingTimer = window.setTimeout(() => this.pruneTyping(), 1000);
  }
}

const open = new Map<number, Conversation>();

export function conversation(id: number): Conversation {
  let c = open.get(id);
  if (!c) {
    c = new Conversation(id);
    open.set(id, c);
  }
  return c;
}

export function existing(id: number): Conversation | undefined {
  return open.get(id);
}

export function allOpen(): Conversation[] {
  return [...open.values()];
}

export function forget(ids: Set<number>): void {
  for (const id of ids) open.delete(id);
}
