// Issue 7's shared notes and connection-quality indicators, attached to the meeting page
// through one call (see "extras" in meeting.ts).

import type { Msg, RoomSettings, Session } from "../session";
import { MeetingBoard } from "./board";
import { NetQuality } from "./netq";
import { Notes } from "./notes";
import "./extras.css";

export interface ExtrasHost {
  session: Session;
  /** The tile grid (#tiles). */
  grid: HTMLElement;
  togglePanel(panel: HTMLElement, button: HTMLButtonElement, open?: boolean, focus?: boolean): void;
  announce(text: string): void;
  /** A participant's current name. */
  name(pid: string): string | undefined;
}

export interface Extras {
  /** The toolbar button that opens the notes. */
  notesButton: HTMLButtonElement;
  notes: Notes;
  /** The meeting's whiteboard (its button hidden until a moderator opens the board). */
  boardButton: HTMLButtonElement;
  board: MeetingBoard;
  /** notes_update, board_update and other messages the meeting does not handle itself. */
  onMessage(m: Msg): void;
  /** The room's settings (on joining, then each room_updated): what will be kept. */
  onSettings(s: RoomSettings | undefined): void;
  /** Called on every `joined` (a reconnection included). */
  onJoined(): void;
  dispose(): void;
}

export function startExtras(host: ExtrasHost): Extras {
  const notes = new Notes(host);
  const board = new MeetingBoard(host);
  const netq = new NetQuality(host.session, host.grid);
  return {
    notesButton: notes.button,
    notes,
    boardButton: board.button,
    board,
    onMessage: (m) => {
      notes.onMessage(m);
      board.onMessage(m);
    },
    onSettings: (s) => {
      notes.onSettings(s);
      board.onSettings(s);
    },
    onJoined: () => {
      notes.onJoined();
      board.onJoined();
    },
    dispose: () => {
      notes.dispose();
      board.dispose();
      netq.dispose();
    },
  };
}
