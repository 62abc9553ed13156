// The workspace API (docs/workspace-api.md): one function per call, JSON in and out.
// Writes carry X-CSRF-Token, the `csrf` of GET /api/me, fetched once per page load.

import type {
  Accepted,
  ActivityPage,
  Changes,
  Channel,
  ChannelNotify,
  DirectoryEntry,
  Invitation,
  InvitationInfo,
  InvitationMade,
  Level,
  Me,
  Meeting,
  Member,
  Message,
  MessagePage,
  Module,
  NoticePage,
  NotifyLevel,
  Preferences,
  PreferencesEdit,
  Report,
  Role,
  SearchHit,
  Space,
  Token,
  UsageReport,
} from "./types";

export class ApiError extends Error {
  constructor(
    public status: number,
    public code: string,
    message: string,
  ) {
    super(message);
  }
  /** A network failure or a server in trouble: worth trying again. */
  get transient(): boolean {
    return this.status === 0 || this.status >= 500 || this.status === 429;
  }
}

let csrf: string | null = null;
let mePromise: Promise<Me> | null = null;

export function getMe(refresh = false): Promise<Me> {
  if (refresh || !mePromise) {
    mePromise = call<Me>("GET", "/api/me").then((m) => {
      csrf = m.csrf ?? null;
      return m;
    });
    mePromise.catch(() => (mePromise = null));
  }
  return mePromise;
}

/** The CSRF token of this page's sign-in (for writes that are not JSON, e.g. an upload). */
export async function csrfToken(): Promise<string | null> {
  if (csrf === null) await getMe().catch(() => null);
  return csrf;
}

type Query = Record<string, string | number | boolean | undefined | null>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null) q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (method !== "GET") {
    if (csrf === null && path !== "/api/me") await getMe().catch(() => null);
    if (csrf) headers["X-CSRF-Token"] = csrf;
  }
  let res: Response;
  try {
    res = await fetch(withQuery(path, query), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: "same-origin",
    });
  } catch (e) {
    throw new ApiError(0, "network", String(e));
  }
  if (res.status === 204) return undefined as T;
  if (!(res.headers.get("content-type") ?? "").includes("json")) {
    // The page's fallback (index.html) or a plain 405: this endpoint is not on this server.
    throw new ApiError(res.status === 200 ? 404 : res.status, "missing", `${method} ${path}: not served`);
  }
  let data: unknown = null;
  try {
    data = await res.json();
  } catch {
    /* not JSON */
  }
  if (!res.ok) {
    const err = (data as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(res.status, err?.code ?? String(res.status), err?.message ?? res.statusText);
  }
  return data as T;
}

const id = (n: number | string) => encodeURIComponent(String(n));

// Spaces
export const listSpaces = () => call<Space[]>("GET", "/api/spaces");
export const getSpace = (s: number) => call<Space>("GET", `/api/spaces/${id(s)}`);
export const createSpace = (name: string, description: string) =>
  call<Space>("POST", "/api/spaces", { name, description });
export const editSpace = (s: number, edit: { name?: string; description?: string }) =>
  call<Space>("PATCH", `/api/spaces/${id(s)}`, edit);
export const archiveSpace = (s: number, archived: boolean) =>
  call<Space>("POST", `/api/spaces/${id(s)}/${archived ? "archive" : "unarchive"}`);
export const deleteSpace = (s: number, confirm: string) =>
  call<Space>("DELETE", `/api/spaces/${id(s)}`, { confirm });
export const restoreSpace = (s: number) => call<Space>("POST", `/api/spaces/${id(s)}/restore`);
/** Members carry `user_id`; the client keys people by `id` everywhere, so both are set. */
const asMember = (m: Member): Member => ({ ...m, id: m.user_id ?? m.id });
export const listMembers = (s: number) =>
  call<Member[]>("GET", `/api/spaces/${id(s)}/members`).then((list) => list.map(asMember));
export const addMember = (s: number, user: string, role: Role) =>
  call<Member>("POST", `/api/spaces/${id(s)}/members`, { user, role }).then(asMember);
export const editMember = (
  s: number,
  u: number,
  edit: { role?: Role; access?: Partial<Record<Module, Level>> },
) => call<Member>("PATCH", `/api/spaces/${id(s)}/members/${id(u)}`, edit);
export const removeMember = (s: number, u: number) =>
  call<void>("DELETE", `/api/spaces/${id(s)}/members/${id(u)}`);
export const directory = (q: string) =>
  call<DirectoryEntry[]>("GET", "/api/directory", undefined, { q });
export const invite = (s: number, email: string, role: Role) =>
  call<InvitationMade>("POST", `/api/spaces/${id(s)}/invitations`, { email, role });
export const listInvitations = (s: number) =>
  call<Invitation[]>("GET", `/api/spaces/${id(s)}/invitations`);
export const revokeInvitation = (s: number, inv: number) =>
  call<void>("DELETE", `/api/spaces/${id(s)}/invitations/${id(inv)}`);
export const getInvitation = (token: string) =>
  call<InvitationInfo>("GET", `/api/invitations/${id(token)}`);
export const acceptInvitation = (token: string, display_name?: string) =>
  call<Accepted>("POST", `/api/invitations/${id(token)}/accept`, display_name ? { display_name } : {});
export const activity = (s: number, before?: number | null, limit = 50) =>
  call<ActivityPage>("GET", `/api/spaces/${id(s)}/activity`, undefined, { before, limit });
export const usage = (days: number) => call<UsageReport>("GET", "/api/usage", undefined, { days });
export const report = (s: number, weeks: number) =>
  call<Report>("GET", `/api/spaces/${id(s)}/report`, undefined, { weeks });
export const reportCsvUrl = (s: number, weeks: number) =>
  `/api/spaces/${id(s)}/report.csv?weeks=${weeks}`;
export const spaceMeeting = (s: number) => call<Meeting>("GET", `/api/spaces/${id(s)}/meeting`);
export const setSpaceNotify = (s: number, level: NotifyLevel) =>
  call<unknown>("PUT", `/api/spaces/${id(s)}/notify`, { level });

// Messaging
export const listChannels = (s: number) => call<Channel[]>("GET", `/api/spaces/${id(s)}/channels`);
export const createChannel = (
  s: number,
  c: { name: string; topic?: string; private?: boolean; members?: number[] },
) => call<Channel>("POST", `/api/spaces/${id(s)}/channels`, c);
export const getChannel = (c: number) => call<Channel>("GET", `/api/channels/${id(c)}`);
export const editChannel = (c: number, edit: { name?: string; topic?: string }) =>
  call<Channel>("PATCH", `/api/channels/${id(c)}`, edit);
export const listDirect = () => call<Channel[]>("GET", "/api/direct");
export const openDirect = (users: number[]) => call<Channel>("POST", "/api/direct", { users });
export const history = (c: number, before?: number, limit = 50) =>
  call<MessagePage>("GET", `/api/channels/${id(c)}/messages`, undefined, { before, limit });
export const thread = (c: number, mid: number, after?: number) =>
  call<MessagePage>("GET", `/api/channels/${id(c)}/messages`, undefined, { thread: mid, after });
export const changes = (c: number, after: number) =>
  call<Changes>("GET", `/api/channels/${id(c)}/changes`, undefined, { after });
export const postMessage = (c: number, body: string, client_id: string, thread_id?: number, attachments?: string[]) =>
  call<Message>("POST", `/api/channels/${id(c)}/messages`, {
    body,
    client_id,
    ...(thread_id ? { thread_id } : {}),
    ...(attachments?.length ? { attachments } : {}),
  });
export const detachFile = (m: number, file: string) =>
  call<Message>("DELETE", `/api/messages/${id(m)}/attachments/${encodeURIComponent(file)}`);
export const editMessage = (m: number, body: string) =>
  call<Message>("PATCH", `/api/messages/${id(m)}`, { body });
export const deleteMessage = (m: number) => call<Message>("DELETE", `/api/messages/${id(m)}`);
export const react = (m: number, emoji: string, on: boolean) =>
  call<Message>(on ? "PUT" : "DELETE", `/api/messages/${id(m)}/reactions/${id(emoji)}`);
export const pin = (m: number, on: boolean) =>
  call<Message>(on ? "POST" : "DELETE", `/api/messages/${id(m)}/pin`);
export const pins = (c: number) => call<Message[]>("GET", `/api/channels/${id(c)}/pins`);
export const markRead = (c: number, seq: number) =>
  call<{ channel: number; seq: number; unread: number; mentions: number }>(
    "POST",
    `/api/channels/${id(c)}/read`,
    { seq },
  );
export const typing = (c: number) => call<void>("POST", `/api/channels/${id(c)}/typing`);
export const setChannelNotify = (c: number, level: ChannelNotify) =>
  call<Channel>("PUT", `/api/channels/${id(c)}/notify`, { level });
export const search = (q: string, space?: number, limit = 50) =>
  call<SearchHit[]>("GET", "/api/search", undefined, { q, space, limit });

// Notifications
export const notifications = (before?: number, limit = 50) =>
  call<NoticePage>("GET", "/api/notifications", undefined, { before, limit });
export const readNotifications = (ids?: number[]) =>
  call<{ unread: number }>("POST", "/api/notifications/read", ids ? { ids } : { all: true });
export const getPreferences = () => call<Preferences>("GET", "/api/me/settings");
export const setPreferences = (p: PreferencesEdit) => call<Preferences>("PATCH", "/api/me/settings", p);

// Tokens
export const listTokens = () => call<Token[]>("GET", "/api/tokens");
export const createToken = (name: string, scopes: "read" | "read write", expires_in?: number) =>
  call<Token>("POST", "/api/tokens", { name, scopes, ...(expires_in ? { expires_in } : {}) });
export const deleteToken = (t: number) => call<void>("DELETE", `/api/tokens/${id(t)}`);

/** An endpoint this server does not serve (yet): the page says so instead of failing. */
export function missing(e: unknown): boolean {
  return e instanceof ApiError && e.code === "missing";
}
