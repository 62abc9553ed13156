// Prejoin: display name, camera preview, microphone level, devices, how to join.

import { ApiError, formatCode, getRoom, me, tokenName } from "./api";
import {
  enterMeeting,
  focusHeading,
  linkToken,
  navigate,
  roomPath,
  topbar,
  type Dispose,
} from "./app";
import { h, icon, storageGet, storageSet } from "./dom";
import { applyBackground, backgroundPicker, cameraOf, withBackground, type Background } from "./effects";
import { tr, type Key } from "./i18n";
import {
  canChooseSpeaker,
  getCamera,
  getMicrophone,
  handOff,
  listDevices,
  loadPrefs,
  meterLevel,
  savePrefs,
  stopTrack,
  type DevicePrefs,
} from "./media";

export const NAME_KEY = "palabre.name";

export function toggleButton(
  id: string,
  on: Key,
  iconOn: string,
  iconOff: string,
  pressed: boolean,
): { btn: HTMLButtonElement; set: (v: boolean) => void } {
  const btn = h("button", { type: "button", id, class: "toggle" });
  const set = (v: boolean) => {
    btn.setAttribute("aria-pressed", String(v));
    btn.replaceChildren(icon(v ? iconOn : iconOff), tr(h("span", { class: "sr-only" }), on));
  };
  tr(btn, on, undefined, "title");
  set(pressed);
  return { btn, set };
}

/** A labelled device select. */
function deviceSelect(id: string, label: Key): { sel: HTMLSelectElement; field: HTMLElement } {
  const sel = h("select", { id });
  return { sel, field: h("div", { class: "field" }, tr(h("label", { for: id }), label), sel) };
}

function fillSelect(sel: HTMLSelectElement, list: MediaDeviceInfo[], current?: string): void {
  sel.replaceChildren(
    ...list.map((dev, i) => h("option", { value: dev.deviceId }, dev.label || `${sel.id.split("-")[0]} ${i + 1}`)),
  );
  if (!list.length) sel.append(tr(h("option", { value: "" }), "prejoin.default"));
  if (current && list.some((x) => x.deviceId === current)) sel.value = current;
}

/** The level meter of the microphone. */
function levelMeter(): { meter: HTMLElement; set(v: number): void } {
  const bar = h("div", { class: "meter-bar" });
  const meter = h(
    "div",
    {
      class: "meter",
      role: "meter",
      id: "mic-level",
      "aria-valuemin": "0",
      "aria-valuemax": "100",
      "aria-valuenow": "0",
    },
    bar,
  );
  tr(meter, "prejoin.level", undefined, "aria-label");
  const set = (v: number) => {
    bar.style.transform = `scaleX(${v.toFixed(3)})`;
    meter.setAttribute("aria-valuenow", String(Math.round(v * 100)));
  };
  return { meter, set };
}

/** The camera preview, the microphone's level, their toggles and the device choices; the
 * tracks are handed to the meeting on joining. */
class PrejoinMedia {
  disposed = false;
  micOn = true;
  camOn = true;
  private mic: MediaStreamTrack | null = null;
  private cam: MediaStreamTrack | null = null;
  private stopMeter: (() => void) | null = null;
  private readonly prefs: DevicePrefs = loadPrefs();
  private readonly video = h("video", { class: "preview mirror", muted: true, playsinline: true, autoplay: true });
  private readonly level = levelMeter();
  private readonly micT = toggleButton("prejoin-mic", "meeting.mic", "mic", "micOff", this.micOn);
  private readonly camT = toggleButton("prejoin-cam", "meeting.cam", "cam", "camOff", this.camOn);
  private readonly camSel = deviceSelect("camera-select", "prejoin.camera");
  private readonly micSel = deviceSelect("microphone-select", "prejoin.microphone");
  private readonly spkSel = deviceSelect("speaker-select", "prejoin.speaker");
  readonly previewBox: HTMLElement;
  readonly devices: HTMLElement;
  readonly backgrounds = backgroundPicker("prejoin", (b) => this.setBackground(b));

  constructor(private error: HTMLElement) {
    this.video.muted = true;
    tr(this.video, "prejoin.preview", undefined, "aria-label");
    const off = tr(h("div", { class: "preview-off", "aria-hidden": "true" }), "prejoin.noCamera");
    this.previewBox = h(
      "div",
      { class: "preview-box" },
      this.video,
      off,
      h("div", { class: "preview-controls" }, this.micT.btn, this.camT.btn),
    );
    this.devices = h(
      "fieldset",
      { class: "devices" },
      tr(h("legend"), "prejoin.devices"),
      this.camSel.field,
      this.micSel.field,
      canChooseSpeaker ? this.spkSel.field : null,
    );
  }

  get meter(): HTMLElement {
    return this.level.meter;
  }

  private showPreview(): void {
    this.video.srcObject = this.cam ? new MediaStream([this.cam]) : null;
    this.previewBox.classList.toggle("off", !this.cam);
  }

  private startMeter(): void {
    this.stopMeter?.();
    this.stopMeter = this.mic ? meterLevel(this.mic, (v) => this.level.set(this.micOn ? v : 0)) : null;
    if (!this.mic) this.level.set(0);
  }

  private mediaError(e: unknown): void {
    const msg = e instanceof DOMException ? `${e.name}` : String(e);
    tr(this.error, "prejoin.errMedia", { msg });
  }

  async fillDevices(): Promise<void> {
    const d = await listDevices();
    const { prefs } = this;
    const cam = this.cam && cameraOf(this.cam);
    fillSelect(this.camSel.sel, d.cameras, cam?.getSettings().deviceId ?? prefs.camera);
    fillSelect(this.micSel.sel, d.microphones, this.mic?.getSettings().deviceId ?? prefs.microphone);
    fillSelect(this.spkSel.sel, d.speakers, prefs.speaker);
  }

  async openCamera(): Promise<void> {
    try {
      const track = await withBackground(await getCamera(this.prefs.camera), (e) => tr(this.error, e.key));
      if (this.disposed || !this.camOn) return stopTrack(track);
      stopTrack(this.cam);
      this.cam = track;
      this.showPreview();
    } catch (e) {
      this.mediaError(e);
    }
  }

  /** The background picker's choice, on the preview now (the meeting takes the track). */
  private async setBackground(b: Background): Promise<void> {
    if (!this.cam) return;
    const next = await applyBackground(this.cam, b);
    if (this.disposed || !this.camOn) return stopTrack(next);
    if (next !== this.cam) {
      this.cam = next;
      this.showPreview();
    }
  }

  async openMic(): Promise<void> {
    try {
      const track = await getMicrophone(this.prefs.microphone);
      if (this.disposed) return stopTrack(track);
      stopTrack(this.mic);
      this.mic = track;
      this.mic.enabled = this.micOn;
      this.startMeter();
    } catch (e) {
      this.mediaError(e);
    }
  }

  private stopCamera(): void {
    stopTrack(this.cam);
    this.cam = null;
    this.showPreview();
  }

  /** The toggles and the device choices (remembered for the next time). */
  listen(): void {
    const { prefs, micT, camT, camSel, micSel, spkSel } = this;
    micT.btn.addEventListener("click", () => {
      this.micOn = !this.micOn;
      micT.set(this.micOn);
      if (this.mic) this.mic.enabled = this.micOn;
    });
    camT.btn.addEventListener("click", () => {
      this.camOn = !this.camOn;
      camT.set(this.camOn);
      if (this.camOn) void this.openCamera();
      else this.stopCamera();
    });
    camSel.sel.addEventListener("change", () => {
      prefs.camera = camSel.sel.value || undefined;
      savePrefs(prefs);
      if (this.camOn) void this.openCamera();
    });
    micSel.sel.addEventListener("change", () => {
      prefs.microphone = micSel.sel.value || undefined;
      savePrefs(prefs);
      void this.openMic();
    });
    spkSel.sel.addEventListener("change", () => {
      prefs.speaker = spkSel.sel.value || undefined;
      savePrefs(prefs);
    });
  }

  /** Joining: the tracks go to the meeting (no camera for audio only). */
  handOver(audioOnly: boolean): void {
    savePrefs(this.prefs);
    if (audioOnly) {
      stopTrack(this.cam);
      this.cam = null;
    }
    this.stopMeter?.();
    this.stopMeter = null;
    handOff({ mic: this.mic, cam: this.cam });
    this.mic = this.cam = null; // now owned by the meeting
  }

  dispose(): void {
    this.disposed = true;
    this.stopMeter?.();
    stopTrack(this.mic);
    stopTrack(this.cam);
  }
}

function nameField(token: string | undefined): HTMLInputElement {
  const nameInput = h("input", {
    id: "display-name",
    name: "name",
    type: "text",
    autocomplete: "name",
    maxlength: "64",
    required: true,
    "aria-describedby": "prejoin-error",
  });
  nameInput.value = (token && tokenName(token)) || storageGet(NAME_KEY) || "";
  if (!nameInput.value) {
    void me().then((m) => {
      if (m?.displayName && !nameInput.value) nameInput.value = m.displayName;
    });
  }
  return nameInput;
}

function backLink(): HTMLAnchorElement {
  const back = tr(h("a", { href: "/", class: "back" }), "prejoin.back");
  back.addEventListener("click", (e) => {
    e.preventDefault();
    navigate("/");
  });
  return back;
}

/** The room as the server names it, and its code; `invalid` for a name it refuses. */
function lookUpRoom(
  requested: string,
  gone: () => boolean,
  then: { found(r: { room: string; code?: string }): void; invalid(): void },
): void {
  void getRoom(requested)
    .then((r) => {
      if (!gone()) then.found(r);
    })
    .catch((e) => {
      if (!gone() && e instanceof ApiError && e.status === 400) then.invalid();
    });
}

function prejoinPage(heading: HTMLElement, codeLine: HTMLElement, media: PrejoinMedia, form: HTMLElement): HTMLElement {
  return h(
    "main",
    { class: "prejoin", id: "main" },
    h(
      "section",
      { class: "card wide" },
      heading,
      tr(h("p", { class: "tagline" }), "prejoin.title"),
      codeLine,
      h("div", { class: "prejoin-grid" }, h("div", {}, media.previewBox, media.meter), form),
      backLink(),
    ),
  );
}

export function renderPrejoin(root: HTMLElement, requested: string): Dispose {
  let room = requested;
  let code: string | undefined;
  document.title = `${room} — Palabre`;

  const heading = h("h1", { tabindex: "-1", class: "room-name" }, room);
  const codeLine = h("p", { class: "code", id: "prejoin-code" });
  const error = h("p", { class: "error", role: "alert", id: "prejoin-error" });
  const media = new PrejoinMedia(error);
  const token = linkToken();
  const nameInput = nameField(token);
  const joinBtn = tr(h("button", { type: "submit", class: "btn primary big", id: "join-meeting" }), "prejoin.join");
  const audioBtn = tr(h("button", { type: "button", class: "btn", id: "join-audio-only" }), "prejoin.audioOnly");
  const form = h(
    "form",
    { class: "prejoin-form", novalidate: true },
    h("div", { class: "field" }, tr(h("label", { for: "display-name" }), "prejoin.name"), nameInput),
    media.devices,
    media.backgrounds,
    error,
    h("div", { class: "actions" }, joinBtn, audioBtn),
  );
  const main = prejoinPage(heading, codeLine, media, form);
  root.append(topbar(), main);
  focusHeading(root);
  media.listen();

  const join = async (audioOnly: boolean) => {
    const name = nameInput.value.trim();
    if (!name) {
      tr(error, "prejoin.errName");
      nameInput.focus();
      return;
    }
    storageSet(NAME_KEY, name);
    // Devices may still be opening (the first capture can take a while).
    joinBtn.disabled = audioBtn.disabled = true;
    await opening;
    if (media.disposed) return;
    media.handOver(audioOnly);
    const { micOn, camOn } = media;
    void enterMeeting(root, { room, code, name, micOn, camOn: camOn && !audioOnly, audioOnly, token });
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void join(false);
  });
  audioBtn.addEventListener("click", () => void join(true));

  // Normalize the room name and learn its code.
  lookUpRoom(requested, () => media.disposed, {
    found: (r) => {
      room = r.room;
      code = r.code;
      heading.textContent = room;
      document.title = `${room} — Palabre`;
      if (code) tr(codeLine, "prejoin.code", { code: formatCode(code) });
      if (roomPath(room) !== location.pathname)
        history.replaceState(null, "", roomPath(room) + location.search);
    },
    invalid: () => {
      tr(error, "prejoin.badRoom");
      joinBtn.disabled = audioBtn.disabled = true;
    },
  });

  const opening = Promise.all([media.openMic(), media.openCamera()]);
  void opening.then(() => (media.disposed ? undefined : media.fillDevices()));
  // Load the meeting code while the person gets ready.
  const idle = window.setTimeout(() => void import("./meeting"), 300);

  return () => {
    window.clearTimeout(idle);
    media.dispose();
  };
}
