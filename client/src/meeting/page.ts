// The meeting page's frame: the header (room name, code, count, quality, language), the
// connection banner, the stage with its grid, the footer with the controls, the toast and
// the screen-reader announcer.

import { formatCode } from "../api";
import { langSwitch } from "../app";
import { h } from "../dom";
import { t, tr, type Key } from "../i18n";
import type { Status } from "../session";
import type { RemoteAudio } from "./audio";
import type { Controls } from "./controls";

export class MeetingPage {
  readonly heading: HTMLHeadingElement;
  readonly grid = h("ul", { class: "grid", id: "tiles" });
  readonly stage = h("main", { class: "stage", id: "main" }, this.grid);
  /** The stage and the side panels. */
  readonly body = h("div", { class: "body" }, this.stage);
  readonly view: HTMLElement;
  private codeEl = h("span", { class: "code", id: "meeting-code" });
  private countEl = h("span", { class: "count", id: "participant-count" });
  private banner = h("div", { class: "banner", role: "alert", id: "banner" });
  private announcer = h("div", { class: "sr-only", "aria-live": "polite", id: "announcer" });
  private toastEl = h("div", { class: "toast", role: "status", id: "toast" });
  private toastTimer = 0;

  constructor(room: string, controls: Controls, audio: RemoteAudio) {
    this.heading = h("h1", { class: "room-name", tabindex: "-1" }, room);
    this.banner.hidden = true;
    tr(this.grid, "meeting.tiles", undefined, "aria-label");
    this.view = h(
      "div",
      { class: "meeting" },
      h(
        "header",
        { class: "meeting-bar" },
        this.heading,
        h("div", { class: "meta" }, this.codeEl, this.countEl),
        controls.qualityField,
        langSwitch(),
      ),
      this.banner,
      this.body,
      h("footer", { class: "controls" }, controls.toolbar, controls.more.menu, audio.unlock),
      this.toastEl,
      this.announcer,
      audio.box,
    );
  }

  showRoom(room: string): void {
    this.heading.textContent = room;
    document.title = `${room} — Palabre`;
  }

  /** The recording indicator (recording.ts), beside the code and the count. */
  showRecording(badge: HTMLElement): void {
    this.countEl.after(badge);
  }

  showCode(code: string | undefined): void {
    if (code) tr(this.codeEl, "meeting.codeLabel", { code: formatCode(code) });
  }

  /** n: everyone in the meeting, us included. */
  showCount(n: number): void {
    if (n === 1) tr(this.countEl, "meeting.count1");
    else tr(this.countEl, "meeting.count", { n });
  }

  showStatus(s: Status): void {
    const banner = this.banner;
    banner.hidden = s === "connected";
    banner.className = `banner ${s}`;
    if (s === "reconnecting") tr(banner, "meeting.reconnecting");
    else if (s === "connecting") tr(banner, "meeting.connecting");
    else if (s === "lobby") tr(banner, "meeting.lobbyWaiting");
    this.view.dataset.status = s;
  }

  /** Said to screen readers (a polite live region). */
  announce = (text: string): void => {
    this.announcer.textContent = text;
  };

  announceKey(key: Key, name: string): void {
    this.announce(t(key, { name }));
  }

  /** A notice seen for three seconds (a status region: heard too). */
  toast = (key: Key, vars?: Record<string, string | number>): void => {
    tr(this.toastEl, key, vars);
    this.toastEl.classList.add("show");
    window.clearTimeout(this.toastTimer);
    this.toastTimer = window.setTimeout(() => {
      this.toastEl.classList.remove("show");
      this.toastEl.textContent = "";
    }, 3000);
  };
}
