// What the workspace API answers (docs/workspace-api.md): the views the client reads.
// Fields a branch of the server may not send yet are optional, and read with a default.

export type Role = "owner" | "admin" | "member" | "guest";
export type Module = "chat" | "documents" | "files" | "tasks" | "calendar" | "meeting";
export type Level = "none" | "read" | "write";
export type NotifyLevel = "all" | "mentions" | "none";
export type ChannelNotify = "default" | NotifyLevel;

export const MODULES: Module[] = ["chat", "documents", "files", "tasks", "calendar", "meeting"];
export const ROLES: Role[] = ["owner", "admin", "member", "guest"];

export interface Me {
  signedIn: boolean;
  name: string | null;
  displayName: string | null;
  csrf: string | null;
  id?: number | null;
  guest?: boolean;
  operator?: boolean; // one of the installation's operators: sees the usage statistics
}

export interface Space {
  id: number;
  name: string;
  description: string;
  room: string;
  role: Role;
  access: Record<Module, Level>;
  created_at: string;
  archived_at: string | null;
  delete_at: string | null;
  unread?: number;
  mentions?: number;
  notify?: NotifyLevel;
}

export interface Person {
  id: number;
  name: string; // the account's name, what @mentions use
  display_name: string;
}

/** A member as GET /api/spaces/{id}/members lists them (user_id), with `id` set alike. */
export interface Member extends Person {
  user_id: number;
  guest: boolean;
  role: Role;
  access: Record<Module, Level>;
  email: string | null;
  joined_at: string;
}

export interface Channel {
  id: number;
  space: number | null; // null: a direct conversation
  kind: "channel" | "direct";
  name: string;
  topic: string;
  private: boolean;
  created_by: number | null;
  created_at: string;
  archived_at: string | null;
  last_seq: number;
  members: Person[];
  read_seq: number;
  unread: number;
  mentions: number;
  notify: ChannelNotify;
}

export interface Reaction {
  emoji: string;
  count: number;
  users: number[];
}

export interface Message {
  id: number;
  channel: number;
  seq: number;
  changed_seq: number;
  thread_id: number | null;
  author: Person | null;
  body: string;
  html: string; // rendered on the server, safe to insert
  client_id: string | null;
  created_at: string;
  edited_at: string | null;
  deleted: boolean;
  pinned_at: string | null;
  pinned_by: number | null;
  reply_count: number;
  last_reply_at: string | null;
  reactions: Reaction[];
  attachments?: Attachment[];
}

/** A space file attached to a message: its name, size and type as attached; "removed" once
 * trashed or deleted. The links answer only those who may read the space's files. */
export interface Attachment {
  file: string | null;
  name: string;
  size: number;
  content_type: string;
  state: "ok" | "removed";
  url: string | null;
  thumbnail: string | null;
}

export interface MessagePage {
  messages: Message[];
  more: boolean;
}

export interface Changes {
  messages: Message[];
  cursor: number;
  more: boolean;
}

export interface SearchHit {
  kind: string;
  space: number | null;
  channel: number;
  channel_name: string;
  message: Message;
  excerpt: string; // safe HTML, the words found in <mark>
}

export interface Notice {
  id: number;
  kind: "mention" | "reply" | "invitation" | "direct" | string;
  text: string;
  actor_id: number | null;
  space_id: number | null;
  channel_id: number | null;
  message_id: number | null;
  created_at: string;
  read: boolean;
}

export interface NoticePage {
  notifications: Notice[]; // newest first
  unread: number; // all the person's unread notifications
  more: boolean; // older ones follow: before=<the last id>
}

export interface Preferences {
  language: "fr" | "en" | null; // the language of their e-mail; null: not chosen
  display_name: string; // the name the people of their spaces see
  email: string | null; // the address Palabre knows, shown to them only
  email_visible: boolean; // co-members see it
}

export type PreferencesEdit = Partial<Pick<Preferences, "language" | "display_name" | "email_visible">>;

export interface Invitation {
  id: number;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: string;
  expires_at: string;
  mailed: boolean;
}

export interface InvitationMade {
  invitation: Invitation;
  mailed: boolean;
  link: string | null; // shown only when no e-mail could carry it
}

export interface InvitationInfo {
  space_id: number;
  space_name: string;
  invited_by: string | null;
  role: Role;
  email: string;
  expires_at: string;
}

export interface Accepted {
  space: Space;
  user: string;
  display_name: string;
  signed_in: boolean;
}

export interface Activity {
  id: number;
  verb: string;
  subject: string;
  actor: Person | null;
  created_at: string;
}

export interface ActivityPage {
  items: Activity[];
  before: number | null;
}

export interface Week {
  week_start: string;
  members: number;
  messages: number;
  meetings: number;
  meeting_minutes: number;
  person_minutes: number;
}

/** A day of the installation's usage (/api/usage): counts only. */
export interface DayUsage {
  day: string; // ISO date, e.g. 2026-12-04
  meetings: number;
  participants: number;
  meeting_minutes: number;
  participant_minutes: number;
}

export interface UsageReport {
  first: string;
  last: string;
  now: { rooms: number; participants: number };
  days: DayUsage[]; // oldest first
}

export interface Report {
  space_id: number;
  space_name: string;
  generated_at: string;
  members: Record<string, number>;
  weeks: Week[];
}

export interface Token {
  id: number;
  name: string;
  scopes: string; // "read" or "read write"
  created_at: string;
  last_used_at: string | null;
  expires_at: string | null;
  token?: string; // in the answer that made it only
}

export interface DirectoryEntry {
  id?: number;
  name: string;
  display_name: string;
}

export interface Meeting {
  room: string;
  live: boolean;
  participants: string[]; // display names of those present
}

/** Live events on /api/live. */
export type LiveEvent =
  | { type: "hello"; user: number; ping: number }
  | { type: "ping" }
  | { type: "resync" }
  | { type: "closing"; message: string }
  | { type: "error"; code: string; message: string }
  | { type: "message.posted" | "message.changed"; channel: number; message: Message }
  | { type: "typing"; channel: number; user: number | Person }
  | { type: "channel.created" | "channel.changed"; space: number | null; channel: number }
  | { type: "channel.read"; channel: number; seq: number }
  | { type: "space.joined" | "space.changed"; space: number }
  | { type: "access.revoked"; space: number }
  | { type: "member.changed"; space: number; user: number }
  | { type: "notification"; notification: Notice }
  | { type: "meeting.changed"; space: number; live: boolean; participants: string[] };
