// The workspace's routes under /spaces, and /invite/<token>: parsed from the address bar,
// changed with go() (history.pushState), so Back and Forward work as everywhere.

import { signal } from "@preact/signals";
import { isWorkspacePath } from "../app";

export { isWorkspacePath };

export type Route =
  | { name: "home" }
  | { name: "space"; space: number }
  | { name: "channel"; space: number; channel: number; thread?: number; message?: number }
  | { name: "admin"; space: number; tab?: string }
  | { name: "documents"; space: number; trash?: boolean }
  | { name: "document"; space: number; document: string }
  | { name: "files"; space: number; folder?: string; trash?: boolean }
  | { name: "calendar"; space: number }
  | { name: "boards"; space: number }
  | { name: "board"; space: number; board: number }
  | { name: "polls"; space?: number }
  | { name: "mycalendar" }
  | { name: "mytasks" }
  | { name: "poll"; poll: string }
  | { name: "directs" }
  | { name: "direct"; channel: number; thread?: number; message?: number }
  | { name: "search"; q: string; space?: number }
  | { name: "notifications" }
  | { name: "settings" }
  | { name: "invite"; token: string }
  | { name: "shared"; token: string }
  | { name: "transfers" }
  | { name: "usage" }
  | { name: "received"; token: string }
  | { name: "voucher"; token: string }
  | { name: "notfound" };

const int = (s: string | undefined | null): number | undefined => {
  if (!s || !/^\d+$/.test(s)) return undefined;
  return Number(s);
};

export function parse(pathname: string, search: string): Route {
  const q = new URLSearchParams(search);
  const seg = pathname.replace(/\/+$/, "").split("/").slice(1).map(decodeURIComponent);
  if (seg[0] === "invite" && seg[1]) return { name: "invite", token: seg[1] };
  if (seg[0] === "s" && seg[1] && !seg[2]) return { name: "shared", token: seg[1] };
  if (seg[0] === "t" && seg[1] && !seg[2]) return { name: "received", token: seg[1] };
  if (seg[0] === "v" && seg[1] && !seg[2]) return { name: "voucher", token: seg[1] };
  if (seg[0] !== "spaces") return { name: "notfound" };
  const [, a, b, c, d] = seg;
  if (a === undefined) return { name: "home" };
  if (a === "search") return { name: "search", q: q.get("q") ?? "", space: int(q.get("space")) };
  if (a === "notifications" && !b) return { name: "notifications" };
  if (a === "settings" && !b) return { name: "settings" };
  if (a === "polls" && !b) return { name: "polls", space: int(q.get("space")) };
  if (a === "calendar" && !b) return { name: "mycalendar" };
  if (a === "tasks" && !b) return { name: "mytasks" };
  if (a === "transfers" && !b) return { name: "transfers" };
  if (a === "usage" && !b) return { name: "usage" };
  if (a === "polls" && b && /^[0-9a-f]{32}$/.test(b) && !c) return { name: "poll", poll: b };
  const thread = int(q.get("thread"));
  const message = int(q.get("message"));
  if (a === "direct") {
    if (b === undefined) return { name: "directs" };
    const channel = int(b);
    return channel ? { name: "direct", channel, thread, message } : { name: "notfound" };
  }
  const space = int(a);
  if (space === undefined) return { name: "notfound" };
  if (b === undefined) return { name: "space", space };
  if (b === "admin" && !d) return { name: "admin", space, tab: c };
  if (b === "calendar" && !c) return { name: "calendar", space };
  if (b === "boards" && !c) return { name: "boards", space };
  const board = int(c);
  if (b === "boards" && board !== undefined && !d) return { name: "board", space, board };
  if (b === "documents" && c === undefined) return { name: "documents", space, trash: q.get("trash") === "1" };
  if (b === "documents" && c && /^[0-9a-f]{32}$/.test(c) && !d) return { name: "document", space, document: c };
  if (b === "files" && c === undefined) {
    const folder = q.get("folder");
    return { name: "files", space, folder: folder && /^[0-9a-f]{32}$/.test(folder) ? folder : undefined, trash: q.get("trash") === "1" };
  }
  const channel = int(c);
  if (b === "channels" && channel !== undefined && !d)
    return { name: "channel", space, channel, thread, message };
  return { name: "notfound" };
}

export const route = signal<Route>(parse(location.pathname, location.search));

/** The address bar changed (Back, Forward, or the app's router): follow it. */
export function sync(): void {
  route.value = parse(location.pathname, location.search);
}

let leave: (path: string) => void = (path) => {
  location.assign(path);
};
/** How to leave the workspace for another page of the client (the meeting). */
export function setLeave(fn: (path: string) => void): void {
  leave = fn;
}

export function go(path: string, replace = false): void {
  const u = new URL(path, location.origin);
  if (!isWorkspacePath(u.pathname)) {
    leave(u.pathname + u.search);
    return;
  }
  if (replace) history.replaceState(null, "", u.pathname + u.search + u.hash);
  else history.pushState(null, "", u.pathname + u.search + u.hash);
  sync();
}

export const paths = {
  home: () => "/spaces",
  space: (s: number) => `/spaces/${s}`,
  channel: (s: number, c: number, extra?: { thread?: number; message?: number }) =>
    `/spaces/${s}/channels/${c}${query(extra)}`,
  admin: (s: number, tab?: string) => `/spaces/${s}/admin${tab ? "/" + tab : ""}`,
  documents: (s: number, trash?: boolean) => `/spaces/${s}/documents${trash ? "?trash=1" : ""}`,
  document: (s: number, d: string) => `/spaces/${s}/documents/${d}`,
  files: (s: number, folder?: string, trash?: boolean) =>
    `/spaces/${s}/files${query({ folder, trash: trash ? 1 : undefined })}`,
  calendar: (s: number) => `/spaces/${s}/calendar`,
  boards: (s: number) => `/spaces/${s}/boards`,
  board: (s: number, b: number) => `/spaces/${s}/boards/${b}`,
  myCalendar: () => "/spaces/calendar",
  myTasks: () => "/spaces/tasks",
  polls: (s?: number) => `/spaces/polls${s ? `?space=${s}` : ""}`,
  poll: (p: string) => `/spaces/polls/${p}`,
  directs: () => "/spaces/direct",
  direct: (c: number, extra?: { thread?: number; message?: number }) =>
    `/spaces/direct/${c}${query(extra)}`,
  search: (q: string, space?: number) => `/spaces/search${query({ q, space })}`,
  notifications: () => "/spaces/notifications",
  settings: () => "/spaces/settings",
  transfers: () => "/spaces/transfers",
  usage: () => "/spaces/usage",
};

function query(extra?: Record<string, string | number | undefined>): string {
  if (!extra) return "";
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(extra)) if (v !== undefined && v !== "") q.set(k, String(v));
  const s = q.toString();
  return s ? "?" + s : "";
}

/** The path of a channel, whether it belongs to a space or is a direct conversation. */
export function channelPath(
  space: number | null | undefined,
  channel: number,
  extra?: { thread?: number; message?: number },
): string {
  return space ? paths.channel(space, channel, extra) : paths.direct(channel, extra);
}
