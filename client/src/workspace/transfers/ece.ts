// End-to-end encryption of a transfer's files in the browser (WebCrypto), so the server only
// ever holds ciphertext. Each file is RFC 8188 "aes128gcm" content coding: a header (a
// random 16-byte salt, the record size, no key id), then records of RS bytes each sealed
// with AES-128-GCM under a key and nonce derived (HKDF-SHA-256) from the transfer's key and
// the salt; record i's nonce is the base nonce XOR i, and each plaintext ends with a
// delimiter, 0x02 in the last record and 0x01 in the others, so a reordered, cut or
// truncated file fails to decrypt instead of coming out short. Names are sealed too
// (AES-GCM under a key derived for names, a random nonce). The transfer's key is 16 random
// bytes, written base64url in the fragment (#...) of the recipients' links: browsers never
// send a fragment to the server.
//
// Records are independent, so the ciphertext of any byte range can be made on demand: the
// tus upload asks for its chunks one at a time (encryptedSource) and may ask for one again
// after a server restart, without the file being read or held whole.

export const RS = 64 * 1024; // record size (ciphertext, with its 16-byte tag)
const TAG = 16;
const PLAIN = RS - TAG - 1; // plaintext bytes per record (one goes to the delimiter)
const HEADER = 21; // salt 16, rs 4, idlen 1
const enc = new TextEncoder();
type Bytes = Uint8Array<ArrayBuffer>;

export function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function unb64url(text: string): Bytes {
  const s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

export function newKey(): string {
  return b64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** A key as typed or pasted: the key itself, or a whole link whose fragment holds it. */
export function keyFrom(text: string): string | null {
  const key = text.trim().split("#").pop() ?? "";
  return /^[A-Za-z0-9_-]{22}$/.test(key) ? key : null;
}

async function hkdf(key: string, salt: Bytes, info: string, bytes: number): Promise<ArrayBuffer> {
  const ikm = await crypto.subtle.importKey("raw", unb64url(key), "HKDF", false, ["deriveBits"]);
  const params = { name: "HKDF", hash: "SHA-256", salt, info: enc.encode(info) };
  return crypto.subtle.deriveBits(params, ikm, bytes * 8);
}

async function aesKey(raw: ArrayBuffer, use: KeyUsage): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, "AES-GCM", false, [use]);
}

interface Coding {
  key: CryptoKey;
  nonce: Bytes;
}

async function coding(key: string, salt: Bytes, use: KeyUsage): Promise<Coding> {
  const cek = await hkdf(key, salt, "Content-Encoding: aes128gcm\0", 16);
  const nonce = new Uint8Array(await hkdf(key, salt, "Content-Encoding: nonce\0", 12));
  return { key: await aesKey(cek, use), nonce };
}

function nonceFor(base: Bytes, seq: number): Bytes {
  const n = base.slice();
  for (let i = 0; i < 6; i++) n[11 - i] ^= Math.floor(seq / 2 ** (8 * i)) & 0xff;
  return n;
}

/** The ciphertext's length for `size` bytes of plaintext. */
export function sealedSize(size: number): number {
  return HEADER + size + Math.max(1, Math.ceil(size / PLAIN)) * (TAG + 1);
}

function header(salt: Bytes): Bytes {
  const h = new Uint8Array(HEADER);
  h.set(salt);
  new DataView(h.buffer).setUint32(16, RS);
  return h;
}

/** A tus-js-client FileSource over the file's ciphertext, each slice made when asked. */
export async function encryptedSource(file: Blob, key: string) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const c = await coding(key, salt, "encrypt");
  const records = Math.max(1, Math.ceil(file.size / PLAIN));
  const size = sealedSize(file.size);
  const head = header(salt);

  async function record(seq: number): Promise<Bytes> {
    const plain = new Uint8Array(await file.slice(seq * PLAIN, (seq + 1) * PLAIN).arrayBuffer());
    const padded = new Uint8Array(plain.length + 1);
    padded.set(plain);
    padded[plain.length] = seq === records - 1 ? 2 : 1;
    const iv = nonceFor(c.nonce, seq);
    return new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, c.key, padded));
  }

  async function slice(start: number, end: number): Promise<Bytes> {
    end = Math.min(end, size);
    const out = new Uint8Array(Math.max(0, end - start));
    let at = 0;
    if (start < HEADER) {
      const part = head.subarray(start, Math.min(HEADER, end));
      out.set(part);
      at = part.length;
    }
    const first = Math.max(0, Math.floor((start - HEADER) / RS));
    for (let seq = first; seq < records && HEADER + seq * RS < end; seq++) {
      const sealed = await record(seq);
      const from = HEADER + seq * RS;
      const part = sealed.subarray(Math.max(0, start - from), Math.min(sealed.length, end - from));
      out.set(part, at);
      at += part.length;
    }
    return out;
  }

  return {
    size,
    async slice(start: number, end: number) {
      const value = new Blob([await slice(start, end)]);
      return { value, done: end >= size };
    },
    close() {},
  };
}

/** A stream of the plaintext from a stream of ciphertext, one record at a time. */
export function decryptor(key: string): TransformStream<Uint8Array, Uint8Array> {
  let buffer: Bytes = new Uint8Array(0);
  let c: Coding | null = null;
  let seq = 0;
  let ended = false;

  async function open(sealed: Bytes, last: boolean): Promise<Uint8Array> {
    if (ended) throw new Error("data after the last record");
    const iv = nonceFor(c!.nonce, seq++);
    let plain: Uint8Array;
    try {
      plain = new Uint8Array(await crypto.subtle.decrypt({ name: "AES-GCM", iv }, c!.key, sealed));
    } catch {
      throw new Error("wrong key, or the file was altered");
    }
    let end = plain.length - 1;
    while (end >= 0 && plain[end] === 0) end--; // padding
    const delimiter = plain[end];
    if (delimiter === 2) ended = true;
    else if (delimiter !== 1 || last) throw new Error("the file is cut short");
    return plain.subarray(0, end);
  }

  function take(n: number): Bytes {
    const part = buffer.slice(0, n);
    buffer = buffer.slice(n);
    return part;
  }

  return new TransformStream({
    async transform(chunk, out) {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      buffer = joined;
      if (!c && buffer.length >= HEADER) {
        const head = take(HEADER);
        if (new DataView(head.buffer).getUint32(16) !== RS || head[20] !== 0) throw new Error("not a Palabre encrypted file");
        c = await coding(key, head.slice(0, 16), "decrypt");
      }
      // Keep one record back: only the stream's end says which record is the last.
      while (c && buffer.length > RS) out.enqueue(await open(take(RS), false));
    },
    async flush(out) {
      if (!c || !buffer.length) throw new Error("the file is cut short");
      out.enqueue(await open(take(buffer.length), true));
      if (!ended) throw new Error("the file is cut short");
    },
  });
}

async function nameKey(key: string, use: KeyUsage): Promise<CryptoKey> {
  return aesKey(await hkdf(key, new Uint8Array(0), "Palabre transfer name\0", 16), use);
}

/** The name, sealed: base64url(nonce || ciphertext). At most 150 bytes of it are kept, so
 * the sealed name stays within a file name's 255 bytes. */
export async function sealName(key: string, name: string): Promise<string> {
  let bytes = enc.encode(name);
  if (bytes.length > 150) bytes = enc.encode(shorten(name));
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await nameKey(key, "encrypt"), bytes));
  const out = new Uint8Array(12 + sealed.length);
  out.set(iv);
  out.set(sealed, 12);
  return b64url(out);
}

function shorten(name: string): string {
  const dot = name.lastIndexOf(".");
  const ext = dot > 0 && name.length - dot <= 10 ? name.slice(dot) : "";
  let stem = name.slice(0, name.length - ext.length);
  while (enc.encode(stem + ext).length > 150) stem = stem.slice(0, -1);
  return stem + ext;
}

/** The name, or null if the key does not open it. */
export async function openName(key: string, sealed: string): Promise<string | null> {
  try {
    const bytes = unb64url(sealed);
    const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, await nameKey(key, "decrypt"), bytes.slice(12));
    return new TextDecoder().decode(plain);
  } catch {
    return null;
  }
}
