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

export function renderPrejoin(root: HTMLElement, requested: string): Dispose {
  let disposed = false;
  let room = requested;
  let code: string | undefined;
  const prefs: DevicePrefs = loadPrefs();
  let mic: MediaStreamTrack | null = null;
  let cam: MediaStreamTrack | null = null;
  let micOn = true;
  let camOn = true;
  let stopMeter: (() => void) | null = null;
  document.title = `${room} — Palabre`;

  const heading = h("h1", { tabindex: "-1", class: "room-name" }, room);
  const codeLine = h("p", { class: "code", id: "prejoin-code" });
  const error = h("p", { class: "error", role: "alert", id: "prejoin-error" });

  // Preview and level meter.
  const video = h("video", { class: "preview mirror", muted: true, playsinline: true, autoplay: true });
  video.muted = true;
  tr(video, "prejoin.preview", undefined, "aria-label");
  const off = tr(h("div", { class: "preview-off", "aria-hidden": "true" }), "prejoin.noCamera");
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
  const micT = toggleButton("prejoin-mic", "meeting.mic", "mic", "micOff", micOn);
  const camT = toggleButton("prejoin-cam", "meeting.cam", "cam", "camOff", camOn);
  const previewBox = h(
    "div",
    { class: "preview-box" },
    video,
    off,
    h("div", { class: "preview-controls" }, micT.btn, camT.btn),
  );

  // Devices.
  const select = (id: string, label: Key) => {
    const sel = h("select", { id });
    return { sel, field: h("div", { class: "field" }, tr(h("label", { for: id }), label), sel) };
  };
  const camSel = select("camera-select", "prejoin.camera");
  const micSel = select("microphone-select", "prejoin.microphone");
  const spkSel = select("speaker-select", "prejoin.speaker");
  const devices = h(
    "fieldset",
    { class: "devices" },
    tr(h("legend"), "prejoin.devices"),
    camSel.field,
    micSel.field,
    canChooseSpeaker ? spkSel.field : null,
  );

  const nameInput = h("input", {
    id: "display-name",
    name: "name",
    type: "text",
    autocomplete: "name",
    maxlength: "64",
    required: true,
    "aria-describedby": "prejoin-error",
  });
  const token = linkToken();
  nameInput.value = (token && tokenName(token)) || storageGet(NAME_KEY) || "";
  if (!nameInput.value) {
    void me().then((m) => {
      if (m?.displayName && !nameInput.value) nameInput.value = m.displayName;
    });
  }
  const joinBtn = tr(h("button", { type: "submit", class: "btn primary big", id: "join-meeting" }), "prejoin.join");
  const audioBtn = tr(h("button", { type: "button", class: "btn", id: "join-audio-only" }), "prejoin.audioOnly");
  const back = tr(h("a", { href: "/", class: "back" }), "prejoin.back");
  back.addEventListener("click", (e) => {
    e.preventDefault();
    navigate("/");
  });

  const form = h(
    "form",
    { class: "prejoin-form", novalidate: true },
    h("div", { class: "field" }, tr(h("label", { for: "display-name" }), "prejoin.name"), nameInput),
    devices,
    error,
    h("div", { class: "actions" }, joinBtn, audioBtn),
  );

  const main = h(
    "main",
    { class: "prejoin", id: "main" },
    h(
      "section",
      { class: "card wide" },
      heading,
      tr(h("p", { class: "tagline" }), "prejoin.title"),
      codeLine,
      h("div", { class: "prejoin-grid" }, h("div", {}, previewBox, meter), form),
      back,
    ),
  );
  root.append(topbar(), main);
  focusHeading(root);

  const showPreview = () => {
    video.srcObject = cam ? new MediaStream([cam]) : null;
    previewBox.classList.toggle("off", !cam);
  };
  const setLevel = (v: number) => {
    bar.style.transform = `scaleX(${v.toFixed(3)})`;
    meter.setAttribute("aria-valuenow", String(Math.round(v * 100)));
  };
  const startMeter = () => {
    stopMeter?.();
    stopMeter = mic ? meterLevel(mic, (v) => setLevel(micOn ? v : 0)) : null;
    if (!mic) setLevel(0);
  };
  const mediaError = (e: unknown) => {
    const msg = e instanceof DOMException ? `${e.name}` : String(e);
    tr(error, "prejoin.errMedia", { msg });
  };

  const fillDevices = async () => {
    const d = await listDevices();
    const fill = (sel: HTMLSelectElement, list: MediaDeviceInfo[], current?: string) => {
      sel.replaceChildren(
        ...list.map((dev, i) =>
          h("option", { value: dev.deviceId }, dev.label || `${sel.id.split("-")[0]} ${i + 1}`),
        ),
      );
      if (!list.length) sel.append(tr(h("option", { value: "" }), "prejoin.default"));
      if (current && list.some((x) => x.deviceId === current)) sel.value = current;
    };
    fill(camSel.sel, d.cameras, cam?.getSettings().deviceId ?? prefs.camera);
    fill(micSel.sel, d.microphones, mic?.getSettings().deviceId ?? prefs.microphone);
    fill(spkSel.sel, d.speakers, prefs.speaker);
  };

  const openCamera = async () => {
    try {
      const tr2 = await getCamera(prefs.camera);
      if (disposed || !camOn) return stopTrack(tr2);
      stopTrack(cam);
      cam = tr2;
      showPreview();
    } catch (e) {
      mediaError(e);
    }
  };
  const openMic = async () => {
    try {
      const tr2 = await getMicrophone(prefs.microphone);
      if (disposed) return stopTrack(tr2);
      stopTrack(mic);
      mic = tr2;
      mic.enabled = micOn;
      startMeter();
    } catch (e) {
      mediaError(e);
    }
  };

  micT.btn.addEventListener("click", () => {
    micOn = !micOn;
    micT.set(micOn);
    if (mic) mic.enabled = micOn;
  });
  camT.btn.addEventListener("click", () => {
    camOn = !camOn;
    camT.set(camOn);
    if (camOn) void openCamera();
    else {
      stopTrack(cam);
      cam = null;
      showPreview();
    }
  });
  camSel.sel.addEventListener("change", () => {
    prefs.camera = camSel.sel.value || undefined;
    savePrefs(prefs);
    if (camOn) void openCamera();
  });
  micSel.sel.addEventListener("change", () => {
    prefs.microphone = micSel.sel.value || undefined;
    savePrefs(prefs);
    void openMic();
  });
  spkSel.sel.addEventListener("change", () => {
    prefs.speaker = spkSel.sel.value || undefined;
    savePrefs(prefs);
  });

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
    if (disposed) return;
    savePrefs(prefs);
    if (audioOnly) {
      stopTrack(cam);
      cam = null;
    }
    stopMeter?.();
    stopMeter = null;
    handOff({ mic, cam });
    mic = cam = null; // now owned by the meeting
    void enterMeeting(root, {
      room,
      code,
      name,
      micOn,
      camOn: camOn && !audioOnly,
      audioOnly,
      token,
    });
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    void join(false);
  });
  audioBtn.addEventListener("click", () => void join(true));

  // Normalize the room name and learn its code.
  void getRoom(requested)
    .then((r) => {
      if (disposed) return;
      room = r.room;
      code = r.code;
      heading.textContent = room;
      document.title = `${room} — Palabre`;
      if (code) tr(codeLine, "prejoin.code", { code: formatCode(code) });
      if (roomPath(room) !== location.pathname)
        history.replaceState(null, "", roomPath(room) + location.search);
    })
    .catch((e) => {
      if (disposed) return;
      if (e instanceof ApiError && e.status === 400) {
        tr(error, "prejoin.badRoom");
        joinBtn.disabled = audioBtn.disabled = true;
      }
    });

  const opening = Promise.all([openMic(), openCamera()]);
  void opening.then(() => (disposed ? undefined : fillDevices()));
  // Load the meeting code while the person gets ready.
  const idle = window.setTimeout(() => void import("./meeting"), 300);

  return () => {
    disposed = true;
    window.clearTimeout(idle);
    stopMeter?.();
    stopTrack(mic);
    stopTrack(cam);
  };
}
