// Key schedule and frame format shared by the page and the worker (WebCrypto only).
//
// A participant's media key is 16 random bytes with a 32-bit key id: a 24-bit generation
// (new random key: when someone leaves) and an 8-bit ratchet index (HKDF forward: when
// someone joins). Frames are encrypted with its "frame" subkey, chat with its "chat" subkey.
//
// Encrypted frame: clear header | AES-GCM(ciphertext + 16-byte tag) | IV (12) | 0xE2
//   clear header: VP8 payload header, 10 bytes of a keyframe and 3 of a delta frame;
//                 audio: 1 byte (the Opus TOC). It is also the AES-GCM additional data.
//   IV: key id (4 bytes, big endian) | per-sender frame counter (8 bytes).

const te = new TextEncoder();
export const TRAILER = 13;
export const MAGIC = 0xe2;

export interface MediaKey {
  id: number;
  raw: Uint8Array;
}

export const generation = (id: number) => id >>> 8;
export const ratchetIndex = (id: number) => id & 0xff;

async function hkdf(ikm: Uint8Array, info: string, bits: number, salt = new Uint8Array()): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey("raw", ikm as BufferSource, "HKDF", false, ["deriveBits"]);
  const out = await crypto.subtle.deriveBits(
    { name: "HKDF", hash: "SHA-256", salt: salt as BufferSource, info: te.encode(info) },
    k,
    bits,
  );
  return new Uint8Array(out);
}

export function newMediaKey(previous?: MediaKey): MediaKey {
  const raw = crypto.getRandomValues(new Uint8Array(16));
  let gen = previous ? (generation(previous.id) + 1) & 0xffffff : crypto.getRandomValues(new Uint32Array(1))[0]! & 0xffffff;
  return { id: (gen << 8) >>> 0, raw };
}

/** One step of the ratchet: what everyone who knew the key computes when someone joins. */
export async function ratchet(k: MediaKey): Promise<MediaKey> {
  const next = ratchetIndex(k.id) + 1;
  if (next > 0xff) return newMediaKey(k);
  return { id: ((generation(k.id) << 8) | next) >>> 0, raw: await hkdf(k.raw, "palabre-e2ee ratchet", 128) };
}

export async function subkey(k: MediaKey, use: "frame" | "chat"): Promise<CryptoKey> {
  const raw = await hkdf(k.raw, `palabre-e2ee ${use}`, 128);
  return crypto.subtle.importKey("raw", raw as BufferSource, "AES-GCM", false, ["encrypt", "decrypt"]);
}

/** The key with this id among a participant's known keys, ratcheting forward if needed
 * (adds what it derives to `known`). */
export async function findKey(known: Map<number, MediaKey>, id: number): Promise<MediaKey | null> {
  const hit = known.get(id);
  if (hit) return hit;
  let best: MediaKey | null = null;
  for (const k of known.values()) {
    if (generation(k.id) === generation(id) && ratchetIndex(k.id) < ratchetIndex(id))
      if (!best || ratchetIndex(k.id) > ratchetIndex(best.id)) best = k;
  }
  if (!best || ratchetIndex(id) - ratchetIndex(best.id) > 16) return null;
  let k = best;
  while (k.id !== id) k = await ratchet(k);
  known.set(k.id, k);
  return k;
}

/** Keeps the newest few keys of a participant (frames in flight under the previous one). */
export function trim(known: Map<number, MediaKey>, keep = 4): void {
  while (known.size > keep) known.delete(known.keys().next().value!);
}

/** How many leading bytes of a frame stay in clear. */
export function clearBytes(kind: string, data: Uint8Array): number {
  if (kind === "audio") return Math.min(1, data.length);
  const key = data.length > 0 && !(data[0]! & 0x01); // VP8 frame tag: P bit clear
  return Math.min(key ? 10 : 3, data.length);
}

export function b64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function unb64(s: string): Uint8Array {
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
