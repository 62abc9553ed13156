// Local devices: capture, device lists, remembered choices, a microphone level meter.

import { storageGet, storageSet } from "./dom";

export interface DevicePrefs {
  camera?: string;
  microphone?: string;
  speaker?: string;
  send?: SendQuality; // the camera's quality sent (high unless chosen)
}

/** The camera's quality sent, chosen in the settings (as Jitsi's "video quality" lets one
 * send less on a weak computer or uplink). */
export type SendQuality = "high" | "standard" | "low";
export const SEND_QUALITIES: readonly SendQuality[] = ["high", "standard", "low"];

const PREFS = "palabre.devices";

export function loadPrefs(): DevicePrefs {
  try {
    return JSON.parse(storageGet(PREFS) ?? "{}") as DevicePrefs;
  } catch {
    return {};
  }
}

export function savePrefs(p: DevicePrefs): void {
  storageSet(PREFS, JSON.stringify(p));
}

// The capture height per quality sent, 16:9. High is 720p, so that the three simulcast
// layers are 1280x720, 640x360 and 320x180 (as Jitsi's); Chromium sends fewer layers below
// 960x540 whatever the encodings ask: two at 360p, one at 180p, each cheaper to encode.
const SEND_HEIGHT: Record<SendQuality, number> = { high: 720, standard: 360, low: 180 };

function videoConstraints(): MediaTrackConstraints {
  const height = SEND_HEIGHT[loadPrefs().send ?? "high"] ?? 720;
  return {
    width: { ideal: Math.round((height * 16) / 9) },
    height: { ideal: height },
    frameRate: { ideal: 24, max: 30 },
  };
}
const AUDIO: MediaTrackConstraints = {
  echoCancellation: true,
  noiseSuppression: true,
  autoGainControl: true,
};

async function capture(kind: "audio" | "video", deviceId?: string): Promise<MediaStreamTrack> {
  const base = kind === "audio" ? AUDIO : videoConstraints();
  const get = async (c: MediaTrackConstraints) => {
    const s = await navigator.mediaDevices.getUserMedia({ [kind]: c });
    return s.getTracks()[0]!;
  };
  if (deviceId) {
    try {
      return await get({ ...base, deviceId: { exact: deviceId } });
    } catch (e) {
      // A remembered device may be gone: fall back to the default one.
      if ((e as DOMException)?.name === "NotAllowedError") throw e;
    }
  }
  return get(base);
}

export const getCamera = (id?: string) => capture("video", id);
export const getMicrophone = (id?: string) => capture("audio", id);

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

export async function listDevices(): Promise<DeviceLists> {
  const all = navigator.mediaDevices?.enumerateDevices
    ? await navigator.mediaDevices.enumerateDevices()
    : [];
  return {
    cameras: all.filter((d) => d.kind === "videoinput"),
    microphones: all.filter((d) => d.kind === "audioinput"),
    speakers: all.filter((d) => d.kind === "audiooutput"),
  };
}

export const canChooseSpeaker =
  typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;

export async function setSpeaker(el: HTMLMediaElement, id: string | undefined): Promise<void> {
  if (!canChooseSpeaker || !id) return;
  try {
    await (el as HTMLMediaElement & { setSinkId(id: string): Promise<void> }).setSinkId(id);
  } catch {
    /* the device went away: keep the default output */
  }
}

let ctx: AudioContext | null = null;
function audioContext(): AudioContext {
  if (!ctx) {
    ctx = new AudioContext();
    // Autoplay rules may start it suspended: resume on the first interaction.
    const resume = () => void ctx?.resume();
    for (const ev of ["pointerdown", "keydown"]) window.addEventListener(ev, resume, { once: true });
  }
  if (ctx.state === "suspended") void ctx.resume().catch(() => {});
  return ctx;
}

/** Calls onLevel with 0..1 about 15 times a second while the track lives. */
export function meterLevel(track: MediaStreamTrack, onLevel: (v: number) => void): () => void {
  const ac = audioContext();
  const src = ac.createMediaStreamSource(new MediaStream([track]));
  const an = ac.createAnalyser();
  an.fftSize = 512;
  src.connect(an);
  const buf = new Float32Array(an.fftSize);
  const timer = window.setInterval(() => {
    an.getFloatTimeDomainData(buf);
    let sum = 0;
    for (const x of buf) sum += x * x;
    const rms = Math.sqrt(sum / buf.length);
    // Map roughly -60 dBFS..0 dBFS to 0..1.
    const db = 20 * Math.log10(rms + 1e-9);
    onLevel(Math.max(0, Math.min(1, (db + 60) / 60)));
  }, 66);
  return () => {
    window.clearInterval(timer);
    src.disconnect();
  };
}

const stopping = new WeakMap<MediaStreamTrack, () => void>();

/** What stopping a derived track (a processed camera, client/src/effects) also stops; null
 * forgets it. */
export function onStopTrack(t: MediaStreamTrack, fn: (() => void) | null): void {
  if (fn) stopping.set(t, fn);
  else stopping.delete(t);
}

export function stopTrack(t: MediaStreamTrack | null | undefined): void {
  if (!t) return;
  const also = stopping.get(t);
  stopping.delete(t);
  also?.();
  if (t.readyState === "live") t.stop();
}

/** Tracks captured on the prejoin page, handed to the meeting so it need not ask again. */
let handed: { mic: MediaStreamTrack | null; cam: MediaStreamTrack | null } | null = null;
export function handOff(t: { mic: MediaStreamTrack | null; cam: MediaStreamTrack | null }): void {
  handed = t;
}
export function takeHandOff(): { mic: MediaStreamTrack | null; cam: MediaStreamTrack | null } | null {
  const t = handed;
  handed = null;
  return t;
}
