// The planning API (docs/planning.md): calendars and their events, meeting polls.

import { ApiError, call, csrfToken } from "../api";

export interface CalendarInfo {
  id: number;
  kind: "personal" | "space";
  space: number | null;
  name: string;
  color: string;
  writable: boolean;
}

export interface Attendee {
  name: string;
  email: string | null;
  partstat: string;
}

export interface CalEvent {
  calendar: number;
  uid: string;
  summary: string;
  description: string;
  location: string;
  url: string;
  start: string;
  end: string;
  all_day: boolean;
  timezone: string;
  recurring: boolean;
  recurrence_id: string | null;
  status: string;
  organizer: string;
  attendees: Attendee[];
  writable: boolean;
}

export interface NewEvent {
  summary: string;
  start: string;
  end: string;
  timezone: string;
  all_day: boolean;
  description?: string;
  location?: string;
  rrule?: string | null;
  attendees?: { email: string; name?: string }[];
  meeting_link?: boolean;
  reminder_minutes?: number | null;
}

export interface Slot {
  id: number;
  start: string;
  end: string;
  yes: number | null;
  maybe: number | null;
  no: number | null;
}

export interface PollAnswer {
  name: string;
  choices: Record<string, "yes" | "maybe" | "no">;
  comment: string;
}

export interface Invite {
  id: number;
  label: string;
  email: string | null;
  link: string;
  answered: boolean;
}

export interface Poll {
  id: string;
  title: string;
  description: string;
  timezone: string;
  deadline: string | null;
  hidden_results: boolean;
  space: number | null;
  closed_at: string | null;
  chosen_slot: number | null;
  event_uid: string | null;
  calendar: number | null;
  room: string | null;
  slots: Slot[];
  best_slots: number[];
  invites: Invite[];
  answers: PollAnswer[];
  agents_link: string | null;
}

export interface PollSummary {
  id: string;
  title: string;
  created_at: string;
  closed_at: string | null;
  answers: number;
}

export interface NewPoll {
  title: string;
  description: string;
  timezone: string;
  slots: { start: string; end: string }[];
  deadline: string | null;
  hidden_results: boolean;
  space: number | null;
  invites: { label: string; email: string | null }[];
  agents_link: boolean;
}

export const listCalendars = () => call<CalendarInfo[]>("GET", "/api/calendars");
export const listEvents = (c: number, start: Date, end: Date) =>
  call<CalEvent[]>("GET", `/api/calendars/${c}/events`, undefined, {
    start: start.toISOString(),
    end: end.toISOString(),
  });
export const createEvent = (c: number, e: NewEvent) => call<unknown>("POST", `/api/calendars/${c}/events`, e);
export const deleteEvent = (c: number, uid: string, occurrence?: string) =>
  call<void>("DELETE", `/api/calendars/${c}/events/${encodeURIComponent(uid)}`, undefined, { occurrence });

export const subscription = (c: number) => call<{ url: string }>("GET", `/api/calendars/${c}/subscription`);
export const renewSubscription = (c: number) => call<{ url: string }>("POST", `/api/calendars/${c}/subscription`);
export async function importIcs(c: number, text: string): Promise<{ imported: number }> {
  const csrf = await csrfToken();
  const res = await fetch(`/api/calendars/${c}/import`, {
    method: "POST",
    headers: { "Content-Type": "text/calendar", Accept: "application/json", ...(csrf ? { "X-CSRF-Token": csrf } : {}) },
    body: text,
    credentials: "same-origin",
  });
  const data = (await res.json()) as { imported?: number; error?: { code: string; message: string } };
  if (!res.ok || data.imported === undefined)
    throw new ApiError(res.status, data.error?.code ?? String(res.status), data.error?.message ?? res.statusText);
  return { imported: data.imported };
}
export const myTasks = () =>
  call<{ card: CardInfo; space: number; board_title: string }[]>("GET", "/api/tasks/mine");

export const freeSlots = (start: Date, end: Date, minutes: number, timezone: string) =>
  call<{ start: string; end: string }[]>("GET", "/api/polls/free-slots", undefined, {
    start: start.toISOString(), end: end.toISOString(), minutes, timezone,
  });

export const listPolls = () => call<PollSummary[]>("GET", "/api/polls");
export const getPoll = (p: string) => call<Poll>("GET", `/api/polls/${p}`);
export const createPoll = (p: NewPoll) => call<Poll>("POST", "/api/polls", p);
export const closePoll = (p: string, slot: number) => call<Poll>("POST", `/api/polls/${p}/close`, { slot });
export const deletePoll = (p: string) => call<void>("DELETE", `/api/polls/${p}`);
export const pollCsvUrl = (p: string) => `/api/polls/${p}/answers.csv`;

// Task boards

export interface BoardSummary {
  id: number;
  space: number;
  title: string;
  created_at: string;
}

export interface CardInfo {
  id: number;
  board: number;
  list_id: number;
  title: string;
  description: string;
  position: number;
  due_at: string | null;
  done_at: string | null;
  labels: string[];
  checklist: { text: string; done: boolean }[];
  assignees: number[];
}

export interface ListInfo {
  id: number;
  title: string;
  position: number;
  cards: CardInfo[];
}

export interface BoardInfo {
  id: number;
  space: number;
  title: string;
  writable: boolean;
  lists: ListInfo[];
}

export const listBoards = (s: number) => call<BoardSummary[]>("GET", `/api/spaces/${s}/boards`);
export const createBoard = (s: number, title: string) =>
  call<BoardSummary>("POST", `/api/spaces/${s}/boards`, { title });
export const getBoard = (b: number, filters: { mine?: string; due?: string; label?: string }) =>
  call<BoardInfo>("GET", `/api/boards/${b}`, undefined, filters);
export const createList = (b: number, title: string) => call<ListInfo>("POST", `/api/boards/${b}/lists`, { title });
export const createCard = (l: number, title: string) => call<CardInfo>("POST", `/api/lists/${l}/cards`, { title });
export const moveCard = (c: number, list: number, after: number | null) =>
  call<CardInfo>("PATCH", `/api/cards/${c}`, { list, after });
export const setDone = (c: number, done: boolean) => call<CardInfo>("PATCH", `/api/cards/${c}`, { done });

export interface CardComment {
  id: number;
  author: number | null;
  body: string;
  created_at: string;
}

export interface CardDetail {
  card: CardInfo;
  comments: CardComment[];
  activity: { actor: number | null; verb: string; detail: string; created_at: string }[];
  attachments: Attachment[];
}

export interface Attachment {
  file: string;
  name: string;
  size: number;
  content_type: string;
  url: string;
  added_by: number | null;
  added_at: string;
}

export const getCard = (c: number) => call<CardDetail>("GET", `/api/cards/${c}`);
export const editCard = (c: number, edit: Partial<Omit<CardInfo, "id" | "board" | "list_id" | "position" | "done_at">>) =>
  call<CardInfo>("PATCH", `/api/cards/${c}`, edit);
export const commentCard = (c: number, body: string) => call<CardComment>("POST", `/api/cards/${c}/comments`, { body });
export const attachFile = (c: number, file: string) =>
  call<Attachment>("POST", `/api/cards/${c}/attachments`, { file });
export const detachFile = (c: number, file: string) =>
  call<void>("DELETE", `/api/cards/${c}/attachments/${encodeURIComponent(file)}`);
