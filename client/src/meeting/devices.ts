// Our own media: the microphone, the camera and a shared screen, their toolbar toggles and
// our tiles; capture on entering (with the remembered devices) and device changes from the
// settings dialog.

import { applyBackground, withBackground, type Background, type BackgroundError } from "../effects";
import type { Key } from "../i18n";
import { getCamera, getMicrophone, stopTrack, type DevicePrefs } from "../media";
import type { Session } from "../session";
import type { Controls } from "./controls";
import type { Grid } from "./grid";
import { Tile } from "./tile";

export interface DevicesHost {
  session: Session;
  controls: Controls;
  grid: Grid;
  prefs: DevicePrefs;
  name: string;
  /** Remembers the microphone and camera states for a reload. */
  changed(): void;
  disposed(): boolean;
  /** Tells the person something (a background that could not be applied). */
  notice(key: Key): void;
}

export class Devices {
  private screenTrack: MediaStreamTrack | null = null;

  constructor(
    private host: DevicesHost,
    public micOn: boolean,
    public camOn: boolean,
  ) {
    const { controls } = host;
    controls.mic.btn.addEventListener("click", () => void this.toggleMic());
    controls.cam.btn.addEventListener("click", () => void this.toggleCamera());
    controls.screen.btn.addEventListener("click", () => void this.toggleScreen());
  }

  private get media() {
    return this.host.session.local;
  }

  /** A camera track, with the remembered background where it can be had. */
  private async camera(id?: string): Promise<MediaStreamTrack> {
    return withBackground(await getCamera(id), (e: BackgroundError) => this.host.notice(e.key));
  }

  /** Our camera tile shows what we send. */
  show(): void {
    this.host.grid.local.setVideo(this.media.cam);
    this.host.grid.local.setAudioMuted(!this.micOn);
  }

  /** After a reload (or a device that failed on the prejoin page), capture again with the
   * remembered choices; then join. `handed`: the prejoin page passed its tracks on. */
  async capture(handed: boolean): Promise<void> {
    const { media, host } = this;
    if (!handed) {
      try {
        media.mic = await getMicrophone(host.prefs.microphone);
      } catch {
        /* join without a microphone */
      }
    }
    if (media.mic) media.mic.enabled = this.micOn;
    if (this.camOn && !media.cam) {
      try {
        media.cam = await this.camera(host.prefs.camera);
      } catch {
        this.camOn = false;
        media.videoMuted = true;
        host.controls.cam.set(false);
      }
    }
    if (host.disposed()) {
      stopTrack(media.mic);
      stopTrack(media.cam);
      return;
    }
    this.show();
    host.grid.relayout();
    host.session.start();
  }

  /** The microphone on or off, here (the server is told by the caller). */
  setMic(on: boolean): void {
    this.micOn = on;
    this.host.controls.mic.set(on);
    this.media.audioMuted = !on;
    if (this.media.mic) this.media.mic.enabled = on;
    this.show();
    this.host.changed();
  }

  /** Push to talk, and the shortcut's microphone: here and for the server. */
  talk(on: boolean): void {
    this.setMic(on);
    this.host.session.setAudioMuted(!on);
  }

  async stopCamera(): Promise<void> {
    if (!this.camOn) return;
    this.camOn = false;
    this.host.controls.cam.set(false);
    const old = this.media.cam;
    await this.host.session.setCamera(null);
    stopTrack(old);
    this.show();
    this.host.changed();
  }

  private async toggleMic(): Promise<void> {
    const on = !this.micOn;
    this.setMic(on);
    if (on && !this.media.mic) {
      try {
        await this.host.session.setMicrophone(await getMicrophone(this.host.prefs.microphone));
      } catch {
        /* stays without a microphone */
      }
    }
    this.host.session.setAudioMuted(!on);
  }

  private async toggleCamera(): Promise<void> {
    const { session, controls } = this.host;
    this.camOn = !this.camOn;
    controls.cam.set(this.camOn);
    if (this.camOn) {
      try {
        await session.setCamera(await this.camera(this.host.prefs.camera));
      } catch {
        this.camOn = false;
        controls.cam.set(false);
      }
    } else {
      const old = this.media.cam;
      await session.setCamera(null);
      stopTrack(old);
    }
    this.show();
    this.host.changed();
  }

  private async stopScreen(): Promise<void> {
    const track = this.screenTrack;
    this.screenTrack = null;
    this.host.controls.screen.set(false);
    this.host.grid.remove("local:screen");
    this.host.grid.relayout();
    await this.host.session.setScreen(null);
    stopTrack(track);
  }

  private async toggleScreen(): Promise<void> {
    if (this.screenTrack) return this.stopScreen();
    let track: MediaStreamTrack;
    try {
      const s = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: { max: 15 } },
        audio: false,
      });
      track = s.getVideoTracks()[0]!;
    } catch {
      return; // the person cancelled
    }
    track.contentHint = "detail";
    track.addEventListener("ended", () => {
      if (this.screenTrack === track) void this.stopScreen();
    });
    this.screenTrack = track;
    this.host.controls.screen.set(true);
    const tile = new Tile("local:screen", "local", "screen", true);
    tile.setLabel("meeting.yourScreen", this.host.name);
    tile.setVideo(track);
    this.host.grid.add(tile);
    this.host.grid.relayout();
    await this.host.session.setScreen(track);
  }

  /** The settings dialog chose a camera: use it now if the camera is on. */
  async useCamera(id: string): Promise<void> {
    if (!this.camOn) return;
    const old = this.media.cam;
    try {
      await this.host.session.setCamera(await this.camera(id));
      stopTrack(old);
    } catch {
      /* keep the camera we had */
    }
    this.show();
  }

  /** The settings dialog chose a background: on the camera now if it is on (the same sender,
   * its track replaced); throws BackgroundError for the dialog to say why not. */
  async useBackground(b: Background): Promise<void> {
    const cam = this.media.cam;
    if (!this.camOn || !cam) return;
    const next = await applyBackground(cam, b);
    if (next !== cam) {
      if (this.host.disposed() || this.media.cam !== cam) return stopTrack(next);
      await this.host.session.setCamera(next);
    }
    this.show();
  }

  async useMicrophone(id: string): Promise<void> {
    const old = this.media.mic;
    try {
      await this.host.session.setMicrophone(await getMicrophone(id));
      if (this.media.mic) this.media.mic.enabled = this.micOn;
      stopTrack(old);
    } catch {
      /* keep the microphone we had */
    }
  }

  dispose(): void {
    stopTrack(this.media.mic);
    stopTrack(this.media.cam);
    stopTrack(this.screenTrack);
  }
}
