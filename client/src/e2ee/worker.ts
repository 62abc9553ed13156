// The frame encryption worker: AES-GCM per encoded frame (format in crypto.ts). Frames that
// cannot be decrypted (no key yet, a key we were not given, a forged or damaged frame) are
// dropped, never passed on garbled.

import { MAGIC, TRAILER, clearBytes, findKey, subkey, trim, type MediaKey } from "./crypto";

type Frame = { data: ArrayBuffer; type?: string };
interface Options {
  side: "send" | "recv";
  kind: string;
  mid: string;
}
type Msg =
  | { op: "enable"; on: boolean }
  | { op: "sendKey"; key: MediaKey }
  | { op: "recvKey"; pid: string; key: MediaKey }
  | { op: "forget"; pid: string }
  | { op: "mids"; map: Record<string, string> }
  | { op: "streams"; options: Options; readable: ReadableStream; writable: WritableStream }
  | { op: "stats"; ref: number };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Msg>) => void) | null;
  onrtctransform: ((e: { transformer: { options: Options; readable: ReadableStream; writable: WritableStream } }) => void) | null;
  postMessage(m: unknown): void;
};

let enabled = false;
let sendKey: { key: MediaKey; frame: CryptoKey } | null = null;
let counter = 0n; // per sender (this page), never reset: with the key id, every IV is unique
const recv = new Map<string, Map<number, MediaKey>>();
const frameKeys = new Map<MediaKey, CryptoKey>();
const mids = new Map<string, string>();
const stats = { transforms: [] as string[], sendErrors: 0, lastError: "", encrypted: 0, decrypted: 0, dropped: 0, droppedBy: {} as Record<string, number>, decryptedBy: {} as Record<string, number> };

async function frameKey(k: MediaKey): Promise<CryptoKey> {
  let c = frameKeys.get(k);
  if (!c) {
    c = await subkey(k, "frame");
    frameKeys.set(k, c);
  }
  return c;
}

async function encrypt(f: Frame, kind: string): Promise<boolean> {
  if (!enabled) return true;
  const k = sendKey;
  if (!k) return false; // encrypted meeting, no key yet: send nothing in clear
  const data = new Uint8Array(f.data);
  const n = clearBytes(kind, data);
  const iv = new Uint8Array(12);
  const view = new DataView(iv.buffer);
  view.setUint32(0, k.key.id);
  view.setBigUint64(4, counter++);
  const ct = new Uint8Array(
    await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: data.subarray(0, n) },
      k.frame,
      data.subarray(n),
    ),
  );
  const out = new Uint8Array(n + ct.length + TRAILER);
  out.set(data.subarray(0, n));
  out.set(ct, n);
  out.set(iv, n + ct.length);
  out[out.length - 1] = MAGIC;
  f.data = out.buffer;
  stats.encrypted++;
  return true;
}

async function decrypt(f: Frame, kind: string, mid: string): Promise<boolean> {
  if (!enabled) return true;
  const pid = mids.get(mid);
  const data = new Uint8Array(f.data);
  const drop = () => {
    stats.dropped++;
    if (pid) stats.droppedBy[pid] = (stats.droppedBy[pid] ?? 0) + 1;
    return false;
  };
  if (!pid || data.length < TRAILER + 16 + 1 || data[data.length - 1] !== MAGIC) return drop();
  const known = recv.get(pid);
  if (!known) return drop();
  const ivAt = data.length - TRAILER;
  const iv = data.slice(ivAt, ivAt + 12);
  const id = new DataView(iv.buffer).getUint32(0);
  const key = await findKey(known, id);
  if (!key) return drop();
  const body = data.subarray(0, ivAt);
  const n = clearBytes(kind, body);
  try {
    const pt = new Uint8Array(
      await crypto.subtle.decrypt(
        { name: "AES-GCM", iv, additionalData: body.subarray(0, n) },
        await frameKey(key),
        body.subarray(n),
      ),
    );
    const out = new Uint8Array(n + pt.length);
    out.set(body.subarray(0, n));
    out.set(pt, n);
    f.data = out.buffer;
  } catch {
    return drop();
  }
  stats.decrypted++;
  stats.decryptedBy[pid] = (stats.decryptedBy[pid] ?? 0) + 1;
  return true;
}

function run(options: Options, readable: ReadableStream, writable: WritableStream): void {
  stats.transforms.push(`${options.side}:${options.kind}:${options.mid}`);
  const transform = new TransformStream<Frame, Frame>({
    async transform(frame, out) {
      let ok = false;
      try {
        ok = options.side === "send" ? await encrypt(frame, options.kind) : await decrypt(frame, options.kind, options.mid);
      } catch (err) {
        ok = false;
        if (options.side === "send") stats.sendErrors++, (stats.lastError = String(err));
      }
      if (ok) out.enqueue(frame);
    },
  });
  readable.pipeThrough(transform).pipeTo(writable).catch(() => {});
}

scope.onrtctransform = (e) => run(e.transformer.options, e.transformer.readable, e.transformer.writable);

scope.onmessage = async ({ data: m }) => {
  switch (m.op) {
    case "enable":
      enabled = m.on;
      break;
    case "sendKey":
      sendKey = { key: m.key, frame: await subkey(m.key, "frame") };
      break;
    case "recvKey": {
      const known = recv.get(m.pid) ?? new Map<number, MediaKey>();
      known.set(m.key.id, m.key);
      trim(known);
      recv.set(m.pid, known);
      break;
    }
    case "forget":
      recv.delete(m.pid);
      break;
    case "mids":
      mids.clear();
      for (const [mid, pid] of Object.entries(m.map)) mids.set(mid, pid);
      break;
    case "streams":
      run(m.options, m.readable, m.writable);
      break;
    case "stats":
      scope.postMessage({ ref: m.ref, stats, sendKeyId: sendKey?.key.id ?? null });
      break;
  }
};
