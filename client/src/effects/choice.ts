// The background chosen for our camera: none, blurred, a bundled image or the person's own
// image; remembered in this browser only (the own image too: it never leaves the device).

import { storageGet, storageSet } from "../dom";
import type { Key } from "../i18n";
import hills from "./backgrounds/hills.svg?url";
import sky from "./backgrounds/sky.svg?url";
import studio from "./backgrounds/studio.svg?url";

export type Background = "none" | "blur" | "own" | `image:${string}`;

/** The bundled images, by id: their label and URL (loaded only when chosen). */
export const IMAGES: Record<string, { label: Key; url: string }> = {
  studio: { label: "bg.studio", url: studio },
  sky: { label: "bg.sky", url: sky },
  hills: { label: "bg.hills", url: hills },
};

const CHOICE = "palabre.background";
const OWN = "palabre.background.own";
let ownInMemory: string | null = null;

export function isBackground(v: string): v is Background {
  return v === "none" || v === "blur" || v === "own" || (v.startsWith("image:") && v.slice(6) in IMAGES);
}

export function loadBackground(): Background {
  const v = storageGet(CHOICE) ?? "none";
  if (!isBackground(v) || (v === "own" && !ownImage())) return "none";
  return v;
}

export function saveBackground(b: Background): void {
  storageSet(CHOICE, b);
}

/** The person's own image (a data: URL), if they chose one. */
export function ownImage(): string | null {
  return ownInMemory ?? storageGet(OWN);
}

/** Keeps the person's image, scaled down to at most 1280x720 as JPEG; in memory only when
 * the browser's storage refuses it (too large, or storage off). */
export async function setOwnImage(file: Blob): Promise<string> {
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1280 / bitmap.width, 720 / bitmap.height);
  const canvas = document.createElement("canvas");
  canvas.width = Math.max(1, Math.round(bitmap.width * scale));
  canvas.height = Math.max(1, Math.round(bitmap.height * scale));
  canvas.getContext("2d")!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const url = canvas.toDataURL("image/jpeg", 0.85);
  storageSet(OWN, url);
  ownInMemory = storageGet(OWN) === url ? null : url;
  return url;
}

/** The URL of the image a background shows, or null for none and blur. */
export function imageUrl(b: Background): string | null {
  if (b === "own") return ownImage();
  if (b.startsWith("image:")) return IMAGES[b.slice(6)]?.url ?? null;
  return null;
}
