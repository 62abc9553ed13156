// The shared-notes panel. Only this shell is in the first load: the editor and Yjs come
// with a dynamic import() the first time the notes are opened.

import { h } from "../dom";
import type { Msg, RoomSettings, Session } from "../session";
import { svgIcon } from "./icons";
import { xtr } from "./text";
import type { NotesEditor } from "./notes-editor";

export interface NotesHost {
  session: Session;
  togglePanel(panel: HTMLElement, button: HTMLButtonElement, open?: boolean, focus?: boolean): void;
  announce(text: string): void;
  name(pid: string): string | undefined;
}

export class Notes {
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  private body: HTMLDivElement;
  private status: HTMLParagraphElement;
  private editor: NotesEditor | null = null;
  private loading: Promise<void> | null = null;
  /** Updates that arrive while the editor loads: applied once it is there. */
  private early: string[] = [];
  private disposed = false;
  private changedText: HTMLSpanElement;
  private notice: HTMLParagraphElement;

  constructor(private host: NotesHost) {
    const btn = h("button", {
      type: "button",
      class: "toggle",
      id: "toggle-notes",
      "aria-expanded": "false",
      "aria-controls": "notes-panel",
    });
    this.changedText = h("span", { class: "sr-only" });
    btn.append(svgIcon("notes"), xtr(h("span", { class: "sr-only" }), "notes.open"), this.changedText);
    xtr(btn, "notes.open", undefined, "title");
    btn.addEventListener("click", () => this.toggle());
    this.button = btn;

    const heading = xtr(h("h2", { id: "notes-title", tabindex: "-1" }), "notes.title");
    const close = xtr(h("button", { type: "button", class: "btn small", id: "notes-close" }), "notes.close");
    close.addEventListener("click", () => this.toggle(false));
    const notice = xtr(h("p", { class: "notes-notice", id: "notes-notice" }), "notes.notice");
    this.notice = notice;
    this.status = h("p", { class: "hint", role: "status", id: "notes-status" });
    this.body = h("div", { class: "notes-body", id: "notes-body" });
    this.panel = h(
      "aside",
      { class: "panel notes-panel", id: "notes-panel", "aria-labelledby": "notes-title" },
      h("div", { class: "panel-head" }, heading, close),
      notice,
      this.status,
      this.body,
    );
    this.panel.hidden = true;
    this.panel.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !e.defaultPrevented) {
        e.preventDefault();
        this.toggle(false);
      }
    });
  }

  toggle(open?: boolean): void {
    this.host.togglePanel(this.panel, this.button, open ?? this.panel.hidden);
    if (!this.panel.hidden) {
      this.setChanged(false);
      void this.load();
    }
  }

  /** Whether a moderator will keep the notes (settings `notesSaved`): the panel's notice
   * says it (the meeting page also shows a toast when it changes: meeting.ts). */
  onSettings(s: RoomSettings | undefined): void {
    const saved = !!s?.notesSaved;
    xtr(this.notice, saved ? "notes.kept" : "notes.notice");
    this.notice.classList.toggle("kept", saved);
  }

  /** A dot on the button: someone wrote in the notes while they were closed. */
  private setChanged(on: boolean): void {
    this.button.dataset.changed = String(on);
    xtr(this.button, on ? "notes.openChanged" : "notes.open", undefined, "title");
    xtr(this.changedText, on ? "notes.changed" : "notes.none");
  }

  private load(): Promise<void> {
    this.loading ??= (async () => {
      xtr(this.status, "notes.loading");
      try {
        const mod = await import("./notes-editor");
        if (this.disposed) return;
        this.editor = new mod.NotesEditor(this.host, this.body);
        const early = this.early;
        this.early = [];
        await this.editor.start(early);
        xtr(this.status, "notes.none");
      } catch (e) {
        // Not connected at the moment, most likely: the next join tries again.
        console.warn("notes:", e);
        this.editor?.dispose();
        this.editor = null;
        xtr(this.status, "notes.failed");
        this.loading = null;
      }
    })();
    return this.loading;
  }

  /** notes_update from another participant. */
  onMessage(m: Msg): void {
    if (m.type !== "notes_update" || typeof m.update !== "string") return;
    if (this.panel.hidden && this.button.dataset.changed !== "true") this.setChanged(true);
    if (this.editor) this.editor.remote(m.update, typeof m.from === "string" ? m.from : undefined);
    else if (this.loading) this.early.push(m.update);
    // Not opened yet: opening asks for the whole document anyway.
  }

  /** After a (re)join: the document may have moved on while we were away. */
  onJoined(): void {
    if (this.editor) void this.editor.resync();
    else if (!this.panel.hidden && !this.loading) void this.load();
  }

  dispose(): void {
    this.disposed = true;
    this.editor?.dispose();
  }
}
