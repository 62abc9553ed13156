// The moderator's tools in this meeting: client/src/moderation.ts, loaded only while this
// participant is a moderator, with the room settings and the lobby kept for it meanwhile.

import type { Key } from "../i18n";
import type { Moderation } from "../moderation";
import type { RecordingStatus } from "../protocol.gen";
import type { Knocker, RoomSettings, Session } from "../session";
import type { Controls } from "./controls";
import type { Grid } from "./grid";
import type { Panels } from "./panels";

export interface ModeratorHost {
  session: Session;
  view: HTMLElement;
  controls: Controls;
  panels: Panels;
  grid: Grid;
  room(): string;
  nameOf(pid: string): string;
  announce(text: string): void;
  toast(key: Key): void;
  disposed(): boolean;
}

export class ModeratorSeat {
  private settings: RoomSettings | undefined;
  private lobby: Knocker[] = [];
  private recordings: RecordingStatus[] = [];
  private mod: Moderation | null = null;
  private removeItem: (() => void) | null = null;
  private loading: Promise<void> | null = null;

  constructor(private host: ModeratorHost) {}

  /** Our role said by the server: the tools come (loaded once) or go. */
  set(yes: boolean): void {
    this.host.view.dataset.role = yes ? "moderator" : "participant";
    if (!yes) return this.leave();
    if (this.mod || this.loading) return;
    this.loading = import("../moderation").then(({ Moderation }) => {
      this.loading = null;
      if (this.host.disposed() || this.host.session.you?.role !== "moderator") return;
      this.take(new Moderation(this.moderationHost()));
    });
  }

  private moderationHost(): ConstructorParameters<typeof Moderation>[0] {
    const { session, panels } = this.host;
    return {
      session,
      spaceRoom: this.host.room().startsWith("space-"),
      togglePanel: panels.toggle,
      anyPanelOpen: panels.anyOpen,
      announce: (text) => this.host.announce(text),
      toast: (key) => this.host.toast(key),
    };
  }

  private take(mod: Moderation): void {
    const { controls, panels, grid } = this.host;
    this.mod = mod;
    this.removeItem = controls.addModeration(mod.button);
    panels.add(mod.panel, mod.button);
    mod.setSettings(this.settings);
    mod.setLobby(this.lobby);
    for (const r of this.recordings) mod.recordingStatus(r, false);
    grid.tileActions = (pid) => mod.tileMenu(pid, () => this.host.nameOf(pid));
    grid.refreshActions();
  }

  private leave(): void {
    this.removeItem?.();
    this.removeItem = null;
    this.mod?.destroy();
    this.mod = null;
    this.host.grid.tileActions = null;
    this.host.grid.refreshActions();
  }

  /** The room's settings and lobby, on joining. */
  joined(settings: RoomSettings | undefined, lobby: Knocker[]): void {
    this.settings = settings;
    this.lobby = lobby;
    this.mod?.setSettings(settings);
    this.mod?.setLobby(lobby);
  }

  setSettings(settings: RoomSettings | undefined): void {
    this.settings = settings;
    this.mod?.setSettings(settings);
  }

  /** What became of a recording (to moderators only): kept for the panel, shown in it. */
  recordingStatus(r: RecordingStatus): void {
    this.recordings = [...this.recordings.filter((x) => x.recording !== r.recording), r];
    this.mod?.recordingStatus(r, true);
  }

  knock(k: Knocker): void {
    this.lobby = [...this.lobby.filter((x) => x.id !== k.id), k];
    this.mod?.knock(k);
  }

  left(id: string): void {
    this.lobby = this.lobby.filter((x) => x.id !== id);
    this.mod?.left(id);
  }
}
