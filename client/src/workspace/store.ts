// What the workspace pages share: who is signed in, their spaces, channels and direct
// conversations, and notification count. Signals, so every page showing one re-renders when
// a live event changes it.

import { computed, signal } from "@preact/signals";
import * as api from "./api";
import type { Channel, Me, Meeting, Member, Notice, Person, Space } from "./types";

export const me = signal<Me | null>(null);
export const spaces = signal<Space[] | null>(null);
export const channels = signal<Record<number, Channel[]>>({});
export const members = signal<Record<number, Member[]>>({});
export const directs = signal<Channel[] | null>(null);
export const notices = signal<Notice[] | null>(null);
export const moreNotices = signal(false);
export const unreadNotices = signal(0);
export const meetings = signal<Record<number, Meeting>>({});
/** Parts of the server this one does not serve yet, by name: pages say so. */
export const absent = signal<Set<string>>(new Set());
/** A short message for everyone on the page (an aria-live region reads it). */
export const announcement = signal("");

export function announce(text: string): void {
  announcement.value = "";
  queueMicrotask(() => (announcement.value = text));
}

export function markAbsent(part: string, e: unknown): boolean {
  if (!api.missing(e)) return false;
  if (!absent.value.has(part)) absent.value = new Set([...absent.value, part]);
  return true;
}

/** The signed-in person's user id: /api/me may not say it; the live connection's hello does. */
export const liveUserId = signal<number | null>(null);
export const myId = computed(() => me.value?.id ?? liveUserId.value);

export function isMine(m: { author: Person | null }): boolean {
  const who = me.value;
  if (!who || !m.author) return false;
  if (myId.value != null) return m.author.id === myId.value;
  return m.author.name === who.name;
}

export async function loadMe(): Promise<Me> {
  const m = await api.getMe(true);
  me.value = m;
  return m;
}

export async function loadSpaces(): Promise<void> {
  spaces.value = await api.listSpaces();
}

export function spaceById(id: number): Space | undefined {
  return spaces.value?.find((s) => s.id === id);
}

export function upsertSpace(space: Space): void {
  const list = spaces.value ?? [];
  const i = list.findIndex((s) => s.id === space.id);
  const merged = i >= 0 ? { ...list[i], ...space } : space;
  spaces.value = i >= 0 ? list.map((s, j) => (j === i ? merged : s)) : [...list, merged];
}

export function dropSpace(id: number): void {
  spaces.value = (spaces.value ?? []).filter((s) => s.id !== id);
  const { [id]: _c, ...restC } = channels.value;
  channels.value = restC;
  const { [id]: _m, ...restM } = members.value;
  members.value = restM;
}

export async function loadChannels(space: number): Promise<Channel[]> {
  try {
    const list = await api.listChannels(space);
    channels.value = { ...channels.value, [space]: list };
    return list;
  } catch (e) {
    if (markAbsent("channels", e)) {
      channels.value = { ...channels.value, [space]: [] };
      return [];
    }
    throw e;
  }
}

export async function loadMembers(space: number): Promise<Member[]> {
  try {
    const list = await api.listMembers(space);
    members.value = { ...members.value, [space]: list };
    return list;
  } catch (e) {
    if (markAbsent("members", e)) return [];
    throw e;
  }
}

/** The page of notifications before the oldest held. */
export async function loadOlderNotices(): Promise<void> {
  const list = notices.value ?? [];
  const last = list[list.length - 1];
  if (!last) return;
  const page = await api.notifications(last.id);
  notices.value = [...list, ...page.notifications.filter((n) => !list.some((x) => x.id === n.id))];
  moreNotices.value = page.more;
  unreadNotices.value = page.unread;
}

export async function loadDirects(): Promise<void> {
  try {
    directs.value = await api.listDirect();
  } catch (e) {
    if (markAbsent("direct", e)) directs.value = [];
    else throw e;
  }
}

export async function loadNotices(): Promise<void> {
  try {
    const page = await api.notifications();
    notices.value = page.notifications;
    moreNotices.value = page.more;
    unreadNotices.value = page.unread;
  } catch (e) {
    if (markAbsent("notifications", e)) notices.value = [];
    else throw e;
  }
}

/** A channel of a space, or a direct conversation, as the lists know it. */
export function findChannel(id: number): Channel | undefined {
  for (const list of Object.values(channels.value)) {
    const c = list.find((x) => x.id === id);
    if (c) return c;
  }
  return directs.value?.find((d) => d.id === id);
}

/** Changes a channel as the lists know it (unread counts, last_seq, read marker). */
export function patchChannel(id: number, patch: Partial<Channel>): void {
  let hit = false;
  const next: Record<number, Channel[]> = {};
  for (const [k, list] of Object.entries(channels.value)) {
    next[Number(k)] = list.map((c) => {
      if (c.id !== id) return c;
      hit = true;
      return { ...c, ...patch };
    });
  }
  if (hit) channels.value = next;
  if (directs.value?.some((d) => d.id === id))
    directs.value = directs.value.map((d) => (d.id === id ? { ...d, ...patch } : d));
}

/** The unread and mention counts of a space: the server's, else the sum of its channels'. */
export function spaceCounts(space: Space): { unread: number; mentions: number } {
  const list = channels.value[space.id];
  if (list && list.some((c) => c.unread !== undefined))
    return {
      unread: list.reduce((a, c) => a + (c.unread ?? 0), 0),
      mentions: list.reduce((a, c) => a + (c.mentions ?? 0), 0),
    };
  return { unread: space.unread ?? 0, mentions: space.mentions ?? 0 };
}

export function personName(p: Person | null | undefined): string {
  return p ? p.display_name || p.name : "";
}

/** Who a user id is, from the members of the spaces loaded and the direct conversations. */
export function personById(id: number | null | undefined): Person | undefined {
  if (id == null) return undefined;
  for (const list of Object.values(members.value)) {
    const p = list.find((m) => m.id === id);
    if (p) return p;
  }
  for (const d of directs.value ?? []) {
    const p = d.members.find((m) => m.id === id);
    if (p) return p;
  }
  return undefined;
}
