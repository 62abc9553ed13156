// Issue 7's shared notes and connection-quality indicators, attached to the meeting page
// through one call (see "extras" in meeting.ts).

import type { Msg, Session } from "../session";
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
  /** notes_update and other messages the meeting does not handle itself. */
  onMessage(m: Msg): void;
  /** Called on every `joined` (a reconnection included). */
  onJoined(): void;
  dispose(): void;
}

export function startExtras(host: ExtrasHost): Extras {
  const notes = new Notes(host);
  const netq = new NetQuality(host.session, host.grid);
  return {
    notesButton: notes.button,
    notes,
    onMessage: (m) => notes.onMessage(m),
    onJoined: () => notes.onJoined(),
    dispose: () => {
      notes.dispose();
      netq.dispose();
    },
  };
}
