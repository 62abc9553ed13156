// The meeting's whiteboard panel. Only this shell is in the first load: the canvas and Yjs
// come with a dynamic import() the first time the board is opened. Its button shows once a
// moderator opened the board (settings `boardOpen`); the panel says whether a moderator will
// keep it (`boardSaved`; the meeting page toasts each change: meeting.ts).

import { h } from "../dom";
import type { Msg, RoomSettings } from "../session";
import { svgIcon } from "./icons";
import type { NotesHost } from "./notes";
import { xtr } from "./text";
import type { MeetingBoardSync } from "./board-sync";

export class MeetingBoard {
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  private body: HTMLDivElement;
  private status: HTMLParagraphElement;
  private notice: HTMLParagraphElement;
  private sync: MeetingBoardSync | null = null;
  private loading: Promise<void> | null = null;
  private early: string[] = [];
  private disposed = false;
  private open = false;
  private encrypted = false;

  constructor(private host: NotesHost) {
    const btn = h("button", { type: "button", class: "toggle", id: "toggle-board", "aria-expanded": "false", "aria-controls": "board-panel" });
    btn.append(svgIcon("board"), xtr(h("span", { class: "sr-only" }), "board.open"));
    xtr(btn, "board.open", undefined, "title");
    btn.addEventListener("click", () => this.toggle());
    btn.hidden = true;
    this.button = btn;
    const heading = xtr(h("h2", { id: "board-title", tabindex: "-1" }), "board.title");
    const close = xtr(h("button", { type: "button", class: "btn small", id: "board-close" }), "board.close");
    close.addEventListener("click", () => this.toggle(false));
    this.notice = xtr(h("p", { class: "notes-notice", id: "board-notice" }), "board.notice");
    this.status = h("p", { class: "hint", role: "status", id: "board-status" });
    this.body = h("div", { class: "meeting-board", id: "meeting-board" });
    this.panel = h("aside", { class: "panel board-panel", id: "board-panel", "aria-labelledby": "board-title" },
      h("div", { class: "panel-head" }, heading, close), this.notice, this.status, this.body);
    this.panel.hidden = true;
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !e.defaultPrevented && !(e.target as Element).closest("textarea")) {
        e.preventDefault();
        this.toggle(false);
      }
    });
  }

  toggle(open?: boolean): void {
    this.host.togglePanel(this.panel, this.button, open ?? this.panel.hidden);
    if (!this.panel.hidden) void this.load();
  }

  /** The room's settings, on joining and on every change. */
  onSettings(s: RoomSettings | undefined): void {
    const saved = !!s?.boardSaved;
    this.open = !!s?.boardOpen;
    this.button.hidden = !this.open || this.encrypted;
    xtr(this.notice, saved ? "board.kept" : "board.notice");
    this.notice.classList.toggle("kept", saved);
  }

  /** The board is not encrypted end to end: off in an encrypted meeting, like the notes. */
  setEncrypted(on: boolean): void {
    this.encrypted = on;
    this.button.hidden = !this.open || on;
    if (on && !this.panel.hidden) this.host.togglePanel(this.panel, this.button, false, false);
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      xtr(this.status, "board.loading");
      try {
        const mod = await import("./board-sync");
        if (this.disposed) return;
        this.sync = new mod.MeetingBoardSync(this.host, this.body, this.host.session.room ?? "board");
        const early = this.early;
        this.early = [];
        await this.sync.start(early);
        this.status.textContent = "";
      } catch (e) {
        console.warn("board:", e);
        this.sync?.dispose();
        this.sync = null;
        xtr(this.status, "board.failed");
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** board_update from another participant. */
  onMessage(m: Msg): void {
    if (m.type !== "board_update" || typeof m.update !== "string") return;
    if (this.sync) this.sync.remote(m.update);
    else if (this.loading) this.early.push(m.update);
  }

  onJoined(): void {
    if (this.sync) void this.sync.resync();
  }

  dispose(): void {
    this.disposed = true;
    this.sync?.dispose();
  }
}
