// Uploads with tus (tus-js-client, loaded with the files page): resumable, in chunks, each
// checked by the server; progress with speed and time left.

import { csrfToken } from "../api";
import { tusEndpoint } from "./api";

export interface Progress {
  name: string;
  sent: number;
  total: number;
  bytesPerSecond: number;
  done: boolean;
  error: string | null;
}

const CHUNK = 8 * 1024 * 1024;

/** Send `file` into the folder; `onProgress` is told as bytes are acknowledged. */
export async function uploadFile(
  space: number,
  folder: string | null,
  file: File,
  onProgress: (p: Progress) => void,
): Promise<void> {
  const { Upload } = await import("tus-js-client");
  const csrf = await csrfToken();
  const started = performance.now();
  const state: Progress = { name: file.name, sent: 0, total: file.size, bytesPerSecond: 0, done: false, error: null };
  await new Promise<void>((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: tusEndpoint(space),
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: { filename: file.name, ...(folder ? { parent: folder } : {}) },
      headers: csrf ? { "X-CSRF-Token": csrf } : {},
      removeFingerprintOnSuccess: true,
      onProgress(sent, total) {
        const seconds = (performance.now() - started) / 1000;
        onProgress({ ...state, sent, total, bytesPerSecond: seconds > 0 ? sent / seconds : 0 });
      },
      onSuccess() {
        onProgress({ ...state, sent: file.size, done: true });
        resolve();
      },
      onError(error) {
        onProgress({ ...state, error: String(error.message || error) });
        reject(error);
      },
    });
    upload.findPreviousUploads().then((previous) => {
      if (previous.length) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, reject);
  });
}

/** "12.5 MB", "3 kB": a size for people. */
export function fmtSize(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ["kB", "MB", "GB", "TB"];
  let n = bytes / 1000;
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${n.toFixed(n < 10 ? 1 : 0)} ${units[i]}`;
}

/** Seconds left at the current speed, or null while unknown. */
export function secondsLeft(p: Progress): number | null {
  if (!p.bytesPerSecond || p.done) return null;
  return Math.ceil((p.total - p.sent) / p.bytesPerSecond);
}
