// Sending a transfer: a draft made, each file sent with tus (resumable: a server restart
// mid-way is retried and resumed), encrypted in the browser first if the sender asked
// (ece.ts: the key stays here and in the links' fragment, never sent), then the recipients
// told by e-mail. An encrypted transfer's links are shown to the sender whole (with their
// key) to give out themselves: the e-mail has them without the key.

import { type Progress, tusSend } from "../files/upload";
import * as api from "./api";
import { encryptedSource, newKey, openName, sealName } from "./ece";

export interface Outgoing {
  files: File[];
  to: string[];
  message: string;
  days: number;
  encrypt: boolean;
}

/** Progress over all the files: bytes sent of the total, at the mean speed so far. */
export type Overall = (sent: number, total: number, bytesPerSecond: number) => void;

const KEYS = "palabre.transfer-key.";

/** The key of an encrypted transfer this browser sent (to show its names), if kept. */
export function keptKey(id: string): string | null {
  try {
    return localStorage.getItem(KEYS + id);
  } catch {
    return null;
  }
}

function keep(id: string, key: string): void {
  try {
    localStorage.setItem(KEYS + id, key);
  } catch {
    /* private mode: the names show sealed later */
  }
}

/** The names of an encrypted transfer's files, opened with its key when this browser has it. */
export async function openNames(files: api.TransferFile[], key: string | null): Promise<Record<string, string>> {
  const names: Record<string, string> = {};
  for (const f of files) names[f.id] = (key && (await openName(key, f.name))) || "🔒";
  return names;
}

async function sendFiles(files: File[], endpoint: string, signedIn: boolean, key: string | null, progress: Overall) {
  const started = performance.now();
  const sizes: number[] = [];
  const sources = [];
  for (const f of files) {
    const source = key ? await encryptedSource(f, key) : undefined;
    sources.push(source);
    sizes.push(source ? source.size : f.size);
  }
  const total = sizes.reduce((a, b) => a + b, 0);
  let before = 0;
  for (const [i, f] of files.entries()) {
    const filename = key ? await sealName(key, f.name) : f.name;
    const tell = (p: Progress) => {
      const sent = before + p.sent;
      progress(sent, total, sent / Math.max(0.001, (performance.now() - started) / 1000));
    };
    await tusSend(f, { endpoint, metadata: { filename }, signedIn, source: sources[i] }, tell);
    before += sizes[i];
  }
}

/** Send the transfer; the links to give out (with their key) if it is encrypted. */
export async function send(out: Outgoing, progress: Overall): Promise<{ email: string; url: string }[]> {
  const key = out.encrypt ? newKey() : null;
  const draft = await api.createTransfer(out.message, out.days, out.encrypt);
  if (key) keep(draft.id, key);
  await sendFiles(out.files, api.tusUrl(draft.id), true, key, progress);
  const sent = await api.sendTransfer(draft.id, out.to);
  return sent.links.map((l) => ({ email: l.email, url: `${location.origin}${l.path}#${key}` }));
}

/** An outsider's files, with a voucher (no account), then sent to the voucher's agent. */
export async function voucherSend(token: string, files: File[], who: { name: string; email: string; message: string }, progress: Overall) {
  await sendFiles(files, api.voucherTusUrl(token), false, null, progress);
  await api.voucherDone(token, who);
}
