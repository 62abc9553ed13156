// The tile grid on the stage: which tiles there are, which one the speaker view puts on the
// stage, the sizes that fit, and the largest simulcast layer each video is worth (the
// `constraints` the SFU is told).

import { isPhone } from "../more";
import type { Outgoing, RemoteTrack } from "../session";
import type { Participant } from "../types";
import { layout, MIN_TILE } from "./layout";
import { Tile } from "./tile";

export interface GridHost {
  stage: HTMLElement;
  grid: HTMLElement;
  /** The speaker-view toggle, pressed while a tile is staged. */
  viewButton: HTMLButtonElement;
  /** Local name shown on our own camera tile. */
  name: string;
  send(m: Outgoing): void;
  /** The remote tracks now received. */
  remote(): RemoteTrack[];
}

/** A tile's key: `${participant}:camera` or `${participant}:screen` ("local" for us). */
export const tileKey = (participant: string, source: string): string =>
  `${participant}:${source === "screen" ? "screen" : "camera"}`;
const participantOf = (key: string): string => key.split(":")[0]!;

export class Grid {
  readonly tiles = new Map<string, Tile>();
  readonly local: Tile;
  /** Moderator actions for a remote camera tile, while this participant moderates. */
  tileActions: ((pid: string) => HTMLElement) | null = null;
  /** The participant the active-speaker detection hears now. */
  currentSpeaker: string | null = null;
  private forwarded: Set<string> | null = null; // last-N: whose camera the SFU sends us
  // "Audio only": the SFU sends no video, so every remote tile shows its avatar, not a frozen frame.
  private receiveOff: boolean;
  private speakerView = false;
  // A shared screen (and, at phone width, the active speaker) goes on the stage by itself,
  // unless the person chose the grid; a new screen share stages again.
  private gridChosen = false;
  private screensSeen = new Set<string>();
  private focusKey: string | null = null;
  private constraintsTimer = 0;
  private lastConstraints = "";
  private ro = new ResizeObserver(() => this.relayout());

  constructor(
    private host: GridHost,
    audioOnly: boolean,
  ) {
    this.receiveOff = audioOnly;
    this.local = new Tile("local:camera", "local", "camera", true);
    this.local.setLabel("meeting.you", host.name);
    this.add(this.local);
    this.ro.observe(host.stage);
  }

  add(tile: Tile): void {
    this.tiles.set(tile.key, tile);
  }

  remove(key: string): void {
    const tile = this.tiles.get(key);
    if (!tile) return;
    tile.setVideo(null);
    tile.el.remove();
    this.tiles.delete(key);
  }

  camera(pid: string): Tile | undefined {
    return this.tiles.get(tileKey(pid, "camera"));
  }

  /** A speaker view is on: chosen, or by itself for a new screen share or a phone. */
  staged(): boolean {
    const screens = new Set([...this.tiles.keys()].filter((k) => k.endsWith(":screen") && k !== "local:screen"));
    if ([...screens].some((k) => !this.screensSeen.has(k))) this.gridChosen = false;
    this.screensSeen = screens;
    return this.speakerView || ((screens.size > 0 || isPhone()) && !this.gridChosen);
  }

  /** The speaker-view button: from the grid to the stage and back. */
  toggleView(): void {
    const on = !this.staged();
    this.speakerView = on;
    this.gridChosen = !on;
    this.relayout();
  }

  private pickFocus(all: Tile[]): Tile | null {
    const speaking = this.currentSpeaker && this.camera(this.currentSpeaker);
    return (
      all.find((x) => x.source === "screen" && x.key !== "local:screen") ??
      (this.speakerView ? all.find((x) => x.source === "screen") : undefined) ??
      (speaking && speaking !== this.local ? speaking : null) ??
      (this.focusKey ? this.tiles.get(this.focusKey) ?? null : null) ??
      all.find((x) => x !== this.local) ??
      null
    );
  }

  relayout(): void {
    const { stage, grid } = this.host;
    const all = [...this.tiles.values()];
    const w = stage.clientWidth - 16;
    const hgt = stage.clientHeight - 16;
    const onStage = this.staged();
    this.host.viewButton.setAttribute("aria-pressed", String(onStage));
    const focus = onStage && all.length > 1 ? this.pickFocus(all) : null;
    this.focusKey = focus?.key ?? null;
    const local = this.local;
    const rank = (x: Tile) => (x === focus ? -1 : x.source === "screen" ? 0 : x === local ? 1 : 2);
    const ordered = all.sort((a, b) => rank(a) - rank(b));
    // Reorder only when needed, so playing videos are not needlessly moved.
    const current = [...grid.children];
    if (ordered.some((tl, i) => current[i] !== tl.el)) grid.replaceChildren(...ordered.map((x) => x.el));
    for (const x of ordered) x.el.classList.toggle("focus", x === focus);
    grid.classList.toggle("speaker-view", !!focus);
    if (focus) {
      const focusW = Math.floor(Math.min(w, ((hgt - 98) * 16) / 9));
      grid.style.setProperty("--focus-w", `${Math.max(focusW, MIN_TILE)}px`);
      // On a phone held upright, a camera on the stage is taller than 16:9 (cropped to fit).
      const tall = isPhone() && focus.source === "camera" && hgt > w;
      grid.style.setProperty("--focus-h", tall ? `${Math.floor(Math.min((w * 5) / 4, hgt - 98))}px` : "auto");
      grid.style.setProperty("--tile-w", `${MIN_TILE}px`);
    } else {
      const { cols, tileW } = layout(ordered.length, w, hgt);
      grid.style.setProperty("--cols", String(cols));
      grid.style.setProperty("--tile-w", `${tileW}px`);
    }
    this.sendConstraints();
  }

  /** The SFU sends no larger simulcast layer than the height each video is shown at. */
  sendConstraints(): void {
    window.clearTimeout(this.constraintsTimer);
    this.constraintsTimer = window.setTimeout(() => {
      const tracks: Record<string, number> = {};
      const dpr = window.devicePixelRatio || 1;
      for (const r of this.host.remote()) {
        if (r.kind !== "video") continue;
        const tile = this.tiles.get(tileKey(r.participant, r.source));
        const shown = !!tile && tile.el.isConnected && !tile.el.classList.contains("no-video");
        tracks[r.track] = shown ? Math.round(tile.el.getBoundingClientRect().height * dpr) : 0;
      }
      const key = JSON.stringify(tracks);
      if (key === this.lastConstraints || key === "{}") return;
      this.lastConstraints = key;
      this.host.send({ type: "constraints", tracks });
    }, 250);
  }

  /** After a (re)join the server knows no constraints: send them again. */
  forgetConstraints(): void {
    this.lastConstraints = "";
  }

  /** The camera tile of a remote participant, made or brought up to date. */
  showParticipant(p: Participant): void {
    let tile = this.camera(p.id);
    if (!tile) {
      tile = new Tile(tileKey(p.id, "camera"), p.id, "camera", false);
      this.add(tile);
      if (this.tileActions) tile.setActions(this.tileActions(p.id));
    }
    tile.el.dataset.role = p.role ?? "participant";
    tile.setName(p.name);
    tile.setAudioMuted(p.audioMuted);
    tile.setVideoOff(p.videoMuted);
    tile.setReconnecting(!!p.reconnecting);
    tile.setForwarded(this.cameraForwarded(p.id));
    this.sendConstraints();
    this.tiles.get(tileKey(p.id, "screen"))?.setLabel("meeting.screenOf", p.name);
  }

  removeParticipant(id: string): void {
    this.remove(tileKey(id, "camera"));
    this.remove(tileKey(id, "screen"));
  }

  /** Moderator actions on every remote camera tile (none: `tileActions` null). */
  refreshActions(): void {
    for (const [key, tile] of this.tiles) {
      if (tile.source !== "camera" || tile === this.local) continue;
      tile.setActions(this.tileActions ? this.tileActions(participantOf(key)) : null);
    }
  }

  /** The remote videos now received, by tile key; a screen share gets a tile of its own. */
  showVideos(video: Map<string, MediaStreamTrack>, nameOf: (pid: string) => string): void {
    for (const [key, track] of video) {
      let tile = this.tiles.get(key);
      const pid = participantOf(key);
      if (!tile && key.endsWith(":screen")) {
        tile = new Tile(key, pid, "screen", false);
        tile.setLabel("meeting.screenOf", nameOf(pid));
        tile.setForwarded(!this.receiveOff);
        this.add(tile);
      }
      tile?.setVideo(track);
    }
    for (const [key, tile] of this.tiles) {
      if (tile === this.local || key === "local:screen" || video.has(key)) continue;
      if (tile.source === "screen") this.remove(key);
      else tile.setVideo(null);
    }
    this.relayout();
  }

  private cameraForwarded(pid: string): boolean {
    return !this.receiveOff && (this.forwarded === null || this.forwarded.has(pid));
  }

  /** Last-N: the cameras the SFU forwards us (null: all of them). */
  setForwarded(list: string[] | null): void {
    this.forwarded = list ? new Set(list) : null;
    for (const [key, tile] of this.tiles) {
      if (tile.source !== "camera" || tile === this.local) continue;
      tile.setForwarded(this.cameraForwarded(participantOf(key)));
    }
    this.sendConstraints();
  }

  /** "Audio only" on or off: remote tiles show their avatars while it is on. */
  setReceiveOff(off: boolean): void {
    this.receiveOff = off;
    for (const [key, tile] of this.tiles) {
      if (tile === this.local || key === "local:screen") continue;
      tile.setForwarded(tile.source === "screen" ? !off : this.cameraForwarded(participantOf(key)));
    }
    this.sendConstraints();
  }

  /** Rings the speaking participant's camera (`who` by participant id; selfId is ours). */
  showSpeaker(who: string | null, selfId: string | undefined): void {
    for (const tile of this.tiles.values()) {
      const pid = tile === this.local ? selfId : tile.el.dataset.participant;
      tile.setSpeaking(tile.source === "camera" && !!who && pid === who);
    }
    if (who !== this.currentSpeaker) {
      this.currentSpeaker = who;
      if (this.staged()) this.relayout();
    }
  }

  dispose(): void {
    this.ro.disconnect();
    window.clearTimeout(this.constraintsTimer);
    for (const tile of this.tiles.values()) tile.setVideo(null);
  }
}
