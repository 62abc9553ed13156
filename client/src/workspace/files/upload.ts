// Uploads with tus (tus-js-client, loaded when first needed): resumable, in chunks, each
// checked by the server; progress with speed and time left. The space files' and the
// transfers' (transfers/send.ts) go through tusSend.

import { csrfToken } from "../api";
import { fmtDuration, fmtRate, fmtSize } from "../format";
import { lang, t } from "../i18n";
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

/** Where a tus upload goes and what it sends (a space's file, a transfer's). */
export interface TusTarget {
  endpoint: string;
  metadata: Record<string, string>;
  /** Sign-in by the session cookie: send the CSRF token (not with a voucher's link). */
  signedIn: boolean;
  /** Instead of the file's bytes (e.g. its ciphertext): a tus-js-client file source. */
  source?: { size: number; slice(start: number, end: number): Promise<{ value: Blob; done: boolean }>; close(): void };
}

/** Send `file` with tus (resumable, in checked chunks); `onProgress` is told as bytes are
 * acknowledged. A server that restarts mid-way is retried and resumed from its offset. */
export async function tusSend(file: File, target: TusTarget, onProgress: (p: Progress) => void): Promise<void> {
  const { Upload } = await import("tus-js-client");
  const csrf = target.signedIn ? await csrfToken() : null;
  const started = performance.now();
  const source = target.source;
  const total = source ? source.size : file.size;
  const state: Progress = { name: file.name, sent: 0, total, bytesPerSecond: 0, done: false, error: null };
  await new Promise<void>((resolve, reject) => {
    const upload = new Upload(file, {
      endpoint: target.endpoint,
      chunkSize: CHUNK,
      retryDelays: [0, 1000, 3000, 5000, 10000],
      metadata: target.metadata,
      headers: csrf ? { "X-CSRF-Token": csrf } : {},
      removeFingerprintOnSuccess: true,
      // A ciphertext is made afresh (a new salt) each time: it cannot resume another page's.
      storeFingerprintForResuming: !source,
      ...(source ? { fileReader: { openFile: () => Promise.resolve(source) }, uploadSize: source.size } : {}),
      onProgress(sent, all) {
        const seconds = (performance.now() - started) / 1000;
        onProgress({ ...state, sent, total: all, bytesPerSecond: seconds > 0 ? sent / seconds : 0 });
      },
      onSuccess() {
        onProgress({ ...state, sent: total, done: true });
        resolve();
      },
      onError(error) {
        onProgress({ ...state, error: String(error.message || error) });
        reject(error);
      },
    });
    upload.findPreviousUploads().then((previous) => {
      if (previous.length && !source) upload.resumeFromPreviousUpload(previous[0]);
      upload.start();
    }, reject);
  });
}

/** Send `file` into the folder. */
export async function uploadFile(
  space: number,
  folder: string | null,
  file: File,
  onProgress: (p: Progress) => void,
): Promise<void> {
  const metadata = { filename: file.name, ...(folder ? { parent: folder } : {}) };
  await tusSend(file, { endpoint: tusEndpoint(space), metadata, signedIn: true }, onProgress);
}

export { fmtSize } from "../format";

/** "42 % · 12.5 MB / 30 MB · 3.2 MB/s · 5 s left", in the page's language. */
export function progressText(sent: number, total: number, bytesPerSecond: number): string {
  const share = new Intl.NumberFormat(lang.value, { style: "percent" }).format(total ? Math.floor((sent / total) * 100) / 100 : 1);
  const left = bytesPerSecond > 0 && sent < total ? (total - sent) / bytesPerSecond : null;
  const parts = [share, `${fmtSize(sent)} / ${fmtSize(total)}`];
  if (bytesPerSecond > 0) parts.push(fmtRate(bytesPerSecond));
  if (left !== null) parts.push(t("files.left", { time: fmtDuration(left) }));
  return parts.join(" · ");
}
