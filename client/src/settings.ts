// The in-meeting settings dialog: camera, microphone, speaker (where the browser can choose
// one), the camera's background and quality sent, display name, and the video quality
// received. A modal <dialog>: Escape closes it.

import { h, newId } from "./dom";
import { backgroundPicker, type Background } from "./effects";
import { t, tr, type Key } from "./i18n";
import { canChooseSpeaker, listDevices, SEND_QUALITIES, type DevicePrefs, type SendQuality } from "./media";

export interface SettingsHost {
  prefs: DevicePrefs;
  name(): string;
  quality: HTMLSelectElement; // the toolbar's own select: one setting, two places
  useCamera(id: string): Promise<void>;
  useMicrophone(id: string): Promise<void>;
  /** Throws BackgroundError when the background cannot be had. */
  useBackground(b: Background): Promise<void>;
  useSpeaker(id: string): Promise<void>;
  useSendQuality(quality: SendQuality): Promise<void>;
  rename(name: string): void;
}

export function settingsButton(): HTMLButtonElement {
  const btn = h("button", { type: "button", class: "toggle", id: "open-settings" });
  // A gear, drawn here (the shared icon set has none).
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("class", "icon");
  const path = document.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute(
    "d",
    "M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3h-4l-.3 2.9a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1L11 21h4l.3-2.9a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z",
  );
  svg.append(path);
  btn.append(svg, tr(h("span", { class: "sr-only" }), "settings.open"));
  tr(btn, "settings.open", undefined, "title");
  return btn;
}

export async function openSettings(host: SettingsHost, back: HTMLElement): Promise<void> {
  const lists = await listDevices().catch(() => ({ cameras: [], microphones: [], speakers: [] }));
  const select = (
    id: string,
    label: Key,
    devices: MediaDeviceInfo[],
    current: string | undefined,
    use: (id: string) => Promise<void>,
  ) => {
    const el = h("select", { id, name: id });
    devices.forEach((d, i) =>
      el.append(h("option", { value: d.deviceId }, d.label || `${t(label)} ${i + 1}`)),
    );
    if (current && devices.some((d) => d.deviceId === current)) el.value = current;
    el.disabled = devices.length === 0;
    el.addEventListener("change", () => void use(el.value));
    return h("div", { class: "field" }, tr(h("label", { for: id }), label), el);
  };
  const nameId = newId("settings-name");
  const nameInput = h("input", { id: nameId, name: "name", maxlength: "64", autocomplete: "name" });
  nameInput.value = host.name();
  const nameErr = h("p", { class: "error", id: "settings-name-error", role: "alert" });
  nameInput.setAttribute("aria-describedby", "settings-name-error");
  const save = tr(h("button", { type: "submit", class: "btn small", id: "settings-rename" }), "settings.rename");
  const nameForm = h(
    "form",
    { class: "rename" },
    tr(h("label", { for: nameId }), "settings.name"),
    h("div", { class: "row" }, nameInput, save),
    nameErr,
  );
  nameForm.addEventListener("submit", (e) => {
    e.preventDefault();
    const v = nameInput.value.trim();
    if (!v) {
      tr(nameErr, "settings.nameEmpty");
      nameInput.focus();
      return;
    }
    nameErr.textContent = "";
    host.rename(v);
  });
  const quality = h("select", { id: "settings-quality", name: "quality" });
  for (const o of host.quality.options) quality.append(tr(h("option", { value: o.value }), `quality.${o.value}` as Key));
  quality.value = host.quality.value;
  quality.addEventListener("change", () => {
    host.quality.value = quality.value;
    host.quality.dispatchEvent(new Event("change"));
  });
  const send = h("select", { id: "settings-send", name: "send" });
  for (const q of SEND_QUALITIES) send.append(tr(h("option", { value: q }), `send.${q}` as Key));
  send.value = host.prefs.send ?? "high";
  send.addEventListener("change", () => void host.useSendQuality(send.value as SendQuality));
  const close = tr(h("button", { type: "button", class: "btn", id: "settings-close" }), "meeting.close");
  const dlg = h(
    "dialog",
    { class: "invite settings", id: "settings-dialog", "aria-labelledby": "settings-title" },
    tr(h("h2", { id: "settings-title" }), "settings.title"),
    select("settings-camera", "settings.camera", lists.cameras, host.prefs.camera, host.useCamera),
    select("settings-microphone", "settings.microphone", lists.microphones, host.prefs.microphone, host.useMicrophone),
    canChooseSpeaker
      ? select("settings-speaker", "settings.speaker", lists.speakers, host.prefs.speaker, host.useSpeaker)
      : null,
    backgroundPicker("settings", host.useBackground),
    h("div", { class: "field" }, tr(h("label", { for: "settings-send" }), "settings.send"), send),
    h("div", { class: "field" }, tr(h("label", { for: "settings-quality" }), "view.quality"), quality),
    nameForm,
    h("div", { class: "actions" }, close),
  );
  close.addEventListener("click", () => dlg.close());
  dlg.addEventListener("close", () => {
    dlg.remove();
    if (back.isConnected) back.focus();
  });
  (document.querySelector(".meeting") ?? document.body).append(dlg);
  dlg.showModal();
  dlg.querySelector<HTMLElement>("select:not([disabled]), input")?.focus();
}
