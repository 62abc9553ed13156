// Background effects on our camera: the choice (choice.ts), its picker (picker.ts), and the
// processed track that replaces the camera's. The processor and the model are loaded only
// when a person picks a background other than none.

import { onStopTrack } from "../media";
import { loadBackground, type Background } from "./choice";
import type { BackgroundProcessor, ProcessorStats } from "./processor";
import { BackgroundError, Segmenter, unsupported } from "./segmenter";

export { loadBackground, saveBackground, type Background } from "./choice";
export { backgroundPicker, type ApplyBackground } from "./picker";
export { BackgroundError, unsupported } from "./segmenter";

const processors = new Map<MediaStreamTrack, BackgroundProcessor>();

async function process(camera: MediaStreamTrack, b: Background): Promise<MediaStreamTrack> {
  const why = unsupported();
  if (why) throw new BackgroundError(why);
  let p: BackgroundProcessor;
  try {
    const [{ BackgroundProcessor }, segmenter] = await Promise.all([import("./processor"), Segmenter.get()]);
    p = new BackgroundProcessor(camera, b, segmenter);
    await p.start();
  } catch (e) {
    console.warn("background", e);
    throw new BackgroundError("bg.failed");
  }
  processors.set(p.output, p);
  camera.addEventListener("ended", () => processors.delete(p.output));
  // Stopping the processed track (the camera turned off, another one chosen) stops the camera.
  onStopTrack(p.output, () => {
    processors.delete(p.output);
    p.stop();
    camera.stop();
  });
  return p.output;
}

/** The track to show and send for `current` (a camera track, processed or not) with
 * background `b`: the same track when only the effect changes, else a new one (the old
 * processed track is then stopped, its camera kept). Throws BackgroundError. */
export async function applyBackground(current: MediaStreamTrack, b: Background): Promise<MediaStreamTrack> {
  const p = processors.get(current);
  if (p && b !== "none") {
    await p.setBackground(b);
    return current;
  }
  if (p) {
    processors.delete(current);
    onStopTrack(current, null);
    p.stop();
    return p.source;
  }
  if (b === "none") return current;
  return process(current, b);
}

/** A fresh camera track with the remembered background; the bare camera if it fails. */
export async function withBackground(camera: MediaStreamTrack, failed?: (e: BackgroundError) => void): Promise<MediaStreamTrack> {
  const b = loadBackground();
  if (b === "none") return camera;
  try {
    return await applyBackground(camera, b);
  } catch (e) {
    failed?.(e instanceof BackgroundError ? e : new BackgroundError("bg.failed"));
    return camera;
  }
}

/** The camera under a processed track (its settings, its device), else the track itself. */
export function cameraOf(track: MediaStreamTrack): MediaStreamTrack {
  return processors.get(track)?.source ?? track;
}

/** What the browser tests read: each running processor's frames and time per frame. */
export function backgroundStats(): ProcessorStats[] {
  return [...processors.values()].map((p) => p.stats);
}
(window as unknown as { __palabreBackground: unknown }).__palabreBackground = {
  stats: backgroundStats,
  sources: () => [...processors.values()].map((p) => p.source),
};
