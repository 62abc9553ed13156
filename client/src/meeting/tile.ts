// A tile: one participant's camera or shared screen on the grid, with its name, avatar
// (initials, shown when there is no video), mute sign, speaking ring and states.

import { h, icon } from "../dom";
import { tr, type Key } from "../i18n";

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0]![0]! + parts[parts.length - 1]![0]! : name.slice(0, 2);
  return s.toUpperCase();
}

/** One video on the grid: a camera or a shared screen, with its caption and states. */
export class Tile {
  el: HTMLLIElement;
  video: HTMLVideoElement;
  private avatar: HTMLDivElement;
  private label: HTMLSpanElement;
  private mute: HTMLSpanElement;
  private track: MediaStreamTrack | null = null;

  constructor(
    public key: string,
    participant: string,
    public source: "camera" | "screen",
    local: boolean,
  ) {
    this.video = h("video", { autoplay: true, playsinline: true, muted: true });
    this.video.muted = true;
    if (local && source === "camera") this.video.classList.add("mirror");
    this.avatar = h("div", { class: "avatar", "aria-hidden": "true" });
    this.label = h("span", { class: "tile-name" });
    this.mute = h("span", { class: "tile-muted", role: "img" }, icon("micOff"));
    tr(this.mute, "meeting.muted", undefined, "aria-label");
    this.el = h(
      "li",
      {
        class: `tile ${source}`,
        "data-participant": participant,
        "data-source": source,
        "data-local": local ? "true" : "false",
      },
      this.video,
      this.avatar,
      h("div", { class: "tile-caption" }, this.mute, this.label),
    );
    this.setVideo(null);
    this.setAudioMuted(false);
  }

  setLabel(key: Key, name: string): void {
    tr(this.label, key, { name });
    this.avatar.textContent = initials(name);
  }

  setName(name: string): void {
    this.label.textContent = name;
    this.avatar.textContent = initials(name);
  }

  setVideo(track: MediaStreamTrack | null): void {
    if (track !== this.track) {
      this.track = track;
      this.video.srcObject = track ? new MediaStream([track]) : null;
      if (track) void this.video.play().catch(() => {});
    }
    this.refresh();
  }

  private videoOff = false;
  setVideoOff(off: boolean): void {
    this.videoOff = off;
    this.refresh();
  }

  /** Last-N: the SFU does not forward this camera now; show the avatar. */
  private forwarded = true;
  setForwarded(on: boolean): void {
    this.forwarded = on;
    this.el.dataset.forwarded = String(on);
    this.refresh();
  }

  /** Its connection dropped and the server keeps its seat: say so, show no frozen frame. */
  private reconnecting: HTMLElement | null = null;
  setReconnecting(on: boolean): void {
    if (on && !this.reconnecting) {
      this.reconnecting = h("span", { class: "tile-reconnecting", role: "status" });
      tr(this.reconnecting, "meeting.tileReconnecting");
      this.el.append(this.reconnecting);
    } else if (!on && this.reconnecting) {
      this.reconnecting.remove();
      this.reconnecting = null;
    }
    this.el.dataset.reconnecting = String(on);
    this.refresh();
  }

  private refresh(): void {
    const showing = !!this.track && !this.videoOff && this.forwarded && !this.reconnecting;
    this.el.classList.toggle("no-video", !showing);
    this.el.dataset.videoMuted = String(!showing);
  }

  setAudioMuted(m: boolean): void {
    this.mute.hidden = !m;
    this.el.dataset.audioMuted = String(m);
  }

  private actions: HTMLElement | null = null;
  setActions(el: HTMLElement | null): void {
    this.actions?.remove();
    this.actions = el;
    if (el) this.el.append(el);
  }

  setSpeaking(s: boolean): void {
    this.el.classList.toggle("speaking", s);
    this.el.dataset.speaking = String(s);
  }
}
