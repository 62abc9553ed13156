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
  name: string;
  display_name: string;
  email?: string | null;
  guest?: boolean;
}

export interface Member extends Person {
  role: Role;
  access: Record<Module, Level>;
}

export interface Channel {
  id: number;
  space_id: number | null;
  kind?: "channel" | "direct";
  name: string;
  topic: string;
  private: boolean;
  last_seq: number;
  unread?: number;
  mentions?: number;
  last_read_seq?: number;
  read_seq?: number;
  notify?: ChannelNotify;
  archived_at?: string | null;
  members?: Person[];
}

export interface Reaction {
  emoji: string;
  count: number;
  mine?: boolean;
  users?: number[];
}

export interface Message {
  id: number;
  channel_id: number;
  seq: number;
  changed_seq: number;
  author_id: number | null;
  author?: Person | null;
  thread_id: number | null;
  body: string;
  html: string;
  client_id?: string | null;
  created_at: string;
  edited_at: string | null;
  deleted_at: string | null;
  pinned_at: string | null;
  pinned_by?: number | null;
  reply_count: number;
  last_reply_at?: string | null;
  reactions?: Reaction[];
  mentions?: number[];
}

export interface Changes {
  messages: Message[];
  cursor?: number;
  more?: boolean;
}

export interface Direct extends Channel {
  members: Person[];
}

export interface SearchHit {
  message: Message;
  channel?: { id: number; name: string; space_id: number | null } | null;
  space?: { id: number; name: string } | null;
  snippet?: string;
}

export interface Notice {
  id: number;
  kind: "mention" | "reply" | "invitation" | "direct" | string;
  text: string;
  actor_id: number | null;
  actor?: Person | null;
  space_id: number | null;
  channel_id: number | null;
  message_id: number | null;
  created_at: string;
  read: boolean;
}

export interface Invitation {
  id: number;
  email: string;
  role: Role;
  created_at?: string;
  expires_at: string;
  invited_by?: Person | string | null;
}

export interface InvitationInfo {
  space: { id: number; name: string; description?: string } | string;
  space_id?: number;
  invited_by?: Person | string | null;
  expires_at: string;
  email?: string;
  role?: Role;
}

export interface Accepted {
  space: number | { id: number };
  space_id?: number;
}

export interface Activity {
  id: number;
  actor?: Person | null;
  actor_id?: number | null;
  verb: string;
  subject: string;
  created_at: string;
}

export interface Report {
  members: number | Record<string, number>;
  weeks: { week: string; messages: number; meeting_minutes: number }[];
}

export interface Token {
  id: number;
  name: string;
  scopes: string[];
  created_at: string;
  expires_at: string | null;
  last_used_at?: string | null;
  token?: string;
}

export interface Meeting {
  room: string;
  live: boolean;
  participants: (string | { name: string; display_name?: string })[];
}

/** Live events on /api/live. */
export type LiveEvent =
  | { type: "message.posted" | "message.changed"; channel: number; message: Message }
  | { type: "typing"; channel: number; user: number | Person }
  | { type: "channel.created" | "channel.changed"; space: number; channel: number | Channel }
  | { type: "channel.read"; channel: number; seq: number }
  | { type: "space.joined" | "space.changed"; space: number }
  | { type: "access.revoked"; space: number }
  | { type: "member.changed"; space: number; user: number }
  | { type: "notification"; notification: Notice }
  | { type: "meeting.changed"; space: number; live: boolean; participants: Meeting["participants"] };
