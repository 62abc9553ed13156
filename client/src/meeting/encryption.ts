// End-to-end encryption in this meeting: client/src/e2ee, loaded when the room is encrypted;
// the key exchange that comes while it loads waits for it, and no clear frame goes out or
// in meanwhile.

import type { E2ee, E2eeChat } from "../e2ee"; // issue 8: loaded only when the meeting is encrypted
import type { Msg, RemoteTrack, Session } from "../session";
import type { Participant } from "../types";

export interface EncryptionHost {
  session: Session;
  view: HTMLElement;
  /** The encryption badge goes before it. */
  body: HTMLElement;
  participants: Map<string, Participant>;
  addChat(m: E2eeChat): void;
  refreshPeople(): void;
  remote(): RemoteTrack[];
  /** On or off, for what the meeting shows beside (the shared notes are not encrypted). */
  changed(on: boolean): void;
  disposed(): boolean;
}

export class Encryption {
  /** The module, once loaded. */
  e2ee: E2ee | null = null;
  private loading: Promise<void> | null = null;
  private early: Msg[] = []; // key exchange that came while the module loaded

  constructor(private host: EncryptionHost) {}

  /** The room's `e2ee` setting, on joining and when a moderator changes it. */
  set(on: boolean): void {
    const { view, session } = this.host;
    view.dataset.e2ee = String(on);
    this.host.changed(on);
    if (!on) {
      session.frames.holding = false;
      return this.e2ee?.disable();
    }
    if (this.e2ee) return this.e2ee.enable();
    session.frames.holding = true; // no clear frame goes out (or in) while it loads
    this.loading ??= import("../e2ee").then(({ E2ee }) => this.loaded(E2ee));
  }

  private loaded(Module: typeof E2ee): void {
    const { host } = this;
    if (host.disposed()) return;
    const e2ee = new Module({
      session: host.session,
      participants: () => host.participants,
      addChat: (m) => host.addChat(m),
      refreshPeople: () => host.refreshPeople(),
    });
    this.e2ee = e2ee;
    host.view.insertBefore(e2ee.badge, host.body);
    e2ee.tracks(host.remote());
    if (host.view.dataset.e2ee === "true") e2ee.enable();
    for (const m of this.early.splice(0)) e2ee.handle(m);
  }

  /** e2ee_message, e2ee_chat. */
  handle(m: Msg): void {
    if (this.e2ee) this.e2ee.handle(m);
    else this.early.push(m);
  }

  /** Sends a chat message encrypted, once the module is there. */
  sendChat(text: string, to?: string): void {
    void (this.loading ?? Promise.resolve()).then(() => this.e2ee?.sendChat(text, to));
  }
}
