// The notice shown when the server refuses a track this page offered to send
// (`tracks_refused`, docs/protocol.md): the browser goes on sending it, nobody receives it.

import { h } from "./dom";
import { tr, type Key } from "./i18n";

const KEYS: Record<string, Key> = {
  microphone: "refused.microphone",
  camera: "refused.camera",
  screen: "refused.screen",
};

/** The sources refused, from a `tracks_refused` message; unknown entries are left out. */
export function refusedSources(tracks: unknown): string[] {
  if (!Array.isArray(tracks)) return [];
  const out: string[] = [];
  for (const entry of tracks) {
    const source = entry && typeof entry === "object" ? (entry as { source?: unknown }).source : null;
    if (typeof source === "string" && source in KEYS && !out.includes(source)) out.push(source);
  }
  return out;
}

/** A dismissable alert naming what the others cannot receive; null if nothing is refused. */
export function refusedNotice(tracks: unknown): HTMLElement | null {
  const sources = refusedSources(tracks);
  if (!sources.length) return null;
  const close = tr(h("button", { type: "button", class: "btn small", id: "dismiss-refused" }), "refused.dismiss");
  const lines = sources.map((s) => tr(h("span", { "data-source": s }), KEYS[s]!));
  const bar = h("div", { class: "request refused", role: "alert", id: "tracks-refused" }, ...lines, close);
  close.addEventListener("click", () => bar.remove());
  return bar;
}
