// A recipient's download of an encrypted transfer's file: fetched as a stream, decrypted
// record by record (ece.ts decryptor), written out as it comes, so a multi-GB file never
// sits whole in the page's memory.
//
// Where it is written, the first that applies:
// - a large file where the browser has showSaveFilePicker (Chromium-based desktop browsers):
//   straight to the file the recipient picks; a file that fails to decrypt (wrong key,
//   altered, cut short) is never left complete there (an aborted writable discards it);
// - wherever a service worker controls the page (every browser, once the app has loaded
//   once; not in private windows of Firefox): streamed to the browser's downloads through it
//   (pwa/download.ts); a failure to decrypt fails the download;
// - else the plaintext is gathered into a Blob and saved by a download link: Chromium keeps
//   a large Blob on disk, Firefox and Safari in memory, the one case left where a multi-GB
//   file is held whole.

import { saveBlob } from "../../dom";
import { streamDownload } from "../../pwa/download";
import { checked } from "./api";
import { decryptor } from "./ece";

const BIG = 64 * 1024 * 1024; // above this, the save dialog where the browser has one

export type Told = (got: number, total: number, bytesPerSecond: number) => void;

interface SavePicker {
  (options: { suggestedName: string }): Promise<{ createWritable(): Promise<WritableStream<Uint8Array>> }>;
}

function counted(total: number, told: Told): TransformStream<Uint8Array, Uint8Array> {
  const started = performance.now();
  let got = 0;
  return new TransformStream({
    transform(chunk, out) {
      got += chunk.length;
      told(got, total, got / Math.max(0.001, (performance.now() - started) / 1000));
      out.enqueue(chunk);
    },
  });
}

/** Fetch, decrypt and save the file as `name`; `told` as its ciphertext arrives. */
export async function saveDecrypted(url: string, key: string, name: string, size: number, told: Told): Promise<void> {
  const picker = (window as unknown as { showSaveFilePicker?: SavePicker }).showSaveFilePicker;
  const target = picker && size > BIG ? await (await picker({ suggestedName: name })).createWritable() : null;
  const res = await checked(await fetch(url, { credentials: "omit" }));
  if (!res.body) throw new Error("no body");
  const plain = res.body.pipeThrough(counted(size, told)).pipeThrough(decryptor(key));
  if (target) return plain.pipeTo(target);
  if (await streamDownload(plain, name)) return;
  saveBlob(await new Response(plain).blob(), name);
}
