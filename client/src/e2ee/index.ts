// End-to-end encryption of a meeting (issue 8), loaded only when the meeting is encrypted.
//
// Keys: every participant has an ECDH P-256 key pair for the session and its own media key
// (crypto.ts). For each other participant it derives a pairwise AES-GCM key (ECDH, then HKDF
// over both public keys) under which it sends its media key with `e2ee_message`; the server
// relays ciphertext only. When someone leaves, everyone makes a new media key (the departed
// cannot read what follows); when someone joins, everyone ratchets theirs forward (the
// newcomer cannot read what came before) and sends it to the newcomer.
// Verification: a short authentication string of 6 emoji per pair, from both public keys.

import { h } from "../dom";
import { getLang, onLangChange } from "../i18n";
import type { Msg, Session } from "../session";
import type { Participant, RemoteTrackInfo } from "../types";
import { b64, findKey, newMediaKey, ratchet, subkey, trim, unb64, type MediaKey } from "./crypto";
import { sas, sasLabel } from "./sas";
import { canEncrypt, encodedStreams, type Endpoint } from "./support";
import { say } from "./text";
import "./e2ee.css";

export interface E2eeChat {
  id: number;
  from: string;
  fromName: string;
  text: string;
  time: number;
  to?: string;
}

export interface E2eeHost {
  session: Session;
  participants(): Map<string, Participant>;
  addChat(m: E2eeChat): void;
  /** The participants panel shows verification: redraw it. */
  refreshPeople(): void;
}

interface Peer {
  pk: Uint8Array; // their ECDH public key (raw, 65 bytes)
  wrap: CryptoKey; // pairwise AES-GCM key
  sas: number[];
}

type Test = { noKeys?: boolean; exportKeys?: boolean };
const test = (): Test => (window as unknown as { __palabreE2eeTest?: Test }).__palabreE2eeTest ?? {};
const te = new TextEncoder();
const td = new TextDecoder();
let chatIds = -1;

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) out.set(p, at), (at += p.length);
  return out;
}

function sorted(a: Uint8Array, b: Uint8Array): [Uint8Array, Uint8Array] {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? [a, b] : [b, a];
  return a.length <= b.length ? [a, b] : [b, a];
}

export class E2ee {
  /** The bar that says the meeting is encrypted, who is not verified, and that notes are off. */
  readonly badge: HTMLElement;
  private status: HTMLElement;
  private notesOff: HTMLElement;
  private worker: Worker;
  private ecdh!: CryptoKeyPair;
  private pk!: Uint8Array;
  private own!: MediaKey;
  private ownChat!: CryptoKey;
  private peers = new Map<string, Peer>();
  private keys = new Map<string, Map<number, MediaKey>>(); // others' media keys
  private verified = new Map<string, string>(); // pid -> public key (b64) verified by voice
  private chain: Promise<unknown> = Promise.resolve();
  private statRefs = new Map<number, (v: unknown) => void>();
  private nextRef = 1;
  private enabled = false;
  private switchTimer = 0;
  private offLang: () => void;

  constructor(private host: E2eeHost) {
    this.worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (e) => {
      const r = this.statRefs.get(e.data.ref);
      this.statRefs.delete(e.data.ref);
      r?.(e.data);
    };
    this.status = h("span", { class: "e2ee-status", id: "e2ee-status", role: "status" });
    this.notesOff = h("span", { class: "e2ee-notes-off", id: "e2ee-notes-off" });
    this.badge = h("div", { class: "e2ee-bar", id: "e2ee-bar" }, this.status, this.notesOff);
    this.offLang = onLangChange(() => this.render());
    this.ready = this.queue(async () => {
      this.ecdh = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, false, [
        "deriveBits",
      ])) as CryptoKeyPair;
      this.pk = new Uint8Array(await crypto.subtle.exportKey("raw", this.ecdh.publicKey));
      await this.setOwn(newMediaKey());
    });
  }

  readonly ready: Promise<unknown>;

  private queue<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.chain.then(fn);
    this.chain = p.catch((e) => console.warn("palabre: e2ee:", e));
    return p;
  }

  private post(m: unknown, transfer: Transferable[] = []): void {
    this.worker.postMessage(m, transfer);
  }

  private async setOwn(k: MediaKey, delay = 0): Promise<void> {
    this.own = k;
    this.ownChat = await subkey(k, "chat");
    window.clearTimeout(this.switchTimer);
    // After a rotation, the others get the new key before frames use it.
    if (delay) this.switchTimer = window.setTimeout(() => this.post({ op: "sendKey", key: k }), delay);
    else this.post({ op: "sendKey", key: k });
  }

  // ---- on and off ----

  /** The meeting is (now) encrypted: transform every sender and receiver, greet everyone. */
  enable(): void {
    if (this.enabled) return;
    this.enabled = true;
    this.post({ op: "enable", on: true });
    this.host.session.frames.setAttach((e) => this.attach(e));
    void this.queue(async () => {
      for (const pid of this.host.participants().keys()) await this.hello(pid);
    });
    this.render();
  }

  disable(): void {
    this.enabled = false;
    this.post({ op: "enable", on: false });
    this.render();
  }

  private attach(e: Endpoint): void {
    if (e.attached) return;
    e.attached = true;
    const options = { side: e.side, kind: e.kind, mid: e.mid };
    if (!encodedStreams) {
      const t = new RTCRtpScriptTransform(this.worker, options);
      if (e.sender) e.sender.transform = t;
      else if (e.receiver) e.receiver.transform = t;
      return;
    }
    const streams = e.streams;
    if (!streams) return;
    void (async () => {
      if (e.pump) {
        this.host.session.frames.holding = true; // nothing in clear while the worker takes over
        e.pump.stop.abort();
        await e.pump.done;
      }
      this.post({ op: "streams", options, ...streams }, [
        streams.readable as unknown as Transferable,
        streams.writable as unknown as Transferable,
      ]);
    })();
  }

  /** A new `joined` (first or after a reconnection): everyone is new, our key too. */
  joined(): void {
    this.peers.clear();
    for (const pid of this.keys.keys()) this.post({ op: "forget", pid });
    this.keys.clear();
    void this.queue(async () => {
      await this.setOwn(newMediaKey(this.own));
      if (this.enabled) for (const pid of this.host.participants().keys()) await this.hello(pid);
    });
    this.render();
  }

  participantJoined(p: Participant): void {
    void this.queue(async () => {
      // Ratchet: the others derive the next key themselves; the newcomer gets only this one.
      await this.setOwn(await ratchet(this.own));
      if (this.enabled) await this.hello(p.id);
    });
    this.render();
  }

  participantLeft(id: string): void {
    this.peers.delete(id);
    this.keys.delete(id);
    this.post({ op: "forget", pid: id });
    void this.queue(async () => {
      // Rotation: a fresh key, sent to those who remain, used a moment later.
      const k = newMediaKey(this.own);
      for (const pid of this.peers.keys()) await this.sendKey(pid, k);
      await this.setOwn(k, 1000);
    });
    this.render();
  }

  /** Whose media each subscribe mid carries. */
  tracks(list: RemoteTrackInfo[]): void {
    const map: Record<string, string> = {};
    for (const t of list) map[String(t.mid)] = t.participant;
    this.post({ op: "mids", map });
  }

  // ---- key exchange ----

  private send(to: string, body: Record<string, unknown>): void {
    this.host.session.send({ type: "e2ee_message", to, payload: btoa(JSON.stringify(body)) });
  }

  private async hello(pid: string): Promise<void> {
    this.send(pid, { t: "hello", pk: b64(this.pk) });
  }

  private async pair(pid: string, pk: Uint8Array): Promise<Peer> {
    const theirs = await crypto.subtle.importKey("raw", pk as BufferSource, { name: "ECDH", namedCurve: "P-256" }, false, []);
    const secret = await crypto.subtle.deriveBits({ name: "ECDH", public: theirs }, this.ecdh.privateKey, 256);
    const [lo, hi] = sorted(this.pk, pk);
    const salt = await crypto.subtle.digest("SHA-256", concat(lo, hi) as BufferSource);
    const base = await crypto.subtle.importKey("raw", secret, "HKDF", false, ["deriveKey"]);
    const wrap = await crypto.subtle.deriveKey(
      { name: "HKDF", hash: "SHA-256", salt, info: te.encode("palabre-e2ee wrap") },
      base,
      { name: "AES-GCM", length: 128 },
      false,
      ["encrypt", "decrypt"],
    );
    const peer = { pk, wrap, sas: await sas(lo, hi) };
    this.peers.set(pid, peer);
    return peer;
  }

  private async seal(peer: Peer, plain: Uint8Array, label: string): Promise<Record<string, string>> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ct = await crypto.subtle.encrypt(
      { name: "AES-GCM", iv, additionalData: te.encode(label) },
      peer.wrap,
      plain as BufferSource,
    );
    return { iv: b64(iv), ct: b64(new Uint8Array(ct)) };
  }

  private async open(peer: Peer, body: { iv: string; ct: string }, label: string): Promise<Uint8Array> {
    const pt = await crypto.subtle.decrypt(
      { name: "AES-GCM", iv: unb64(body.iv) as BufferSource, additionalData: te.encode(label) },
      peer.wrap,
      unb64(body.ct) as BufferSource,
    );
    return new Uint8Array(pt);
  }

  private async sendKey(pid: string, k: MediaKey): Promise<void> {
    const peer = this.peers.get(pid);
    if (!peer) return;
    const plain = new Uint8Array(20);
    new DataView(plain.buffer).setUint32(0, k.id);
    plain.set(k.raw, 4);
    this.send(pid, { t: "key", ...(await this.seal(peer, plain, "key")) });
  }

  private async onMessage(from: string, payload: string): Promise<void> {
    const body = JSON.parse(atob(payload)) as { t: string; pk?: string; iv: string; ct: string };
    if (body.t === "hello" && body.pk) {
      const pk = unb64(body.pk);
      const known = this.peers.get(from);
      if (known && b64(known.pk) === body.pk) return;
      if (known) this.keys.delete(from); // a new key pair: a new session of theirs
      await this.pair(from, pk);
      if (!known) await this.hello(from); // they may not have ours yet
      await this.sendKey(from, this.own);
      this.render();
      return;
    }
    const peer = this.peers.get(from);
    if (!peer) return;
    if (body.t === "key") {
      if (test().noKeys) return;
      const plain = await this.open(peer, body, "key");
      const k: MediaKey = { id: new DataView(plain.buffer).getUint32(0), raw: plain.slice(4, 20) };
      const known = this.keys.get(from) ?? new Map<number, MediaKey>();
      known.set(k.id, k);
      trim(known);
      this.keys.set(from, known);
      this.post({ op: "recvKey", pid: from, key: k });
      this.render();
    } else if (body.t === "chat") {
      const m = JSON.parse(td.decode(await this.open(peer, body, "chat"))) as { text: string; time: number };
      this.host.addChat({ ...this.chatFrom(from, m), to: this.host.session.you?.id });
    }
  }

  private chatFrom(from: string, m: { text: string; time: number }): E2eeChat {
    const name = this.host.participants().get(from)?.name ?? "";
    return { id: chatIds--, from, fromName: name, text: String(m.text), time: Number(m.time) || Date.now() / 1000 };
  }

  /** e2ee_message and e2ee_chat from the server; true when handled. */
  handle(m: Msg): boolean {
    if (m.type === "e2ee_message") {
      const from = String(m.from);
      void this.queue(() => this.onMessage(from, String(m.payload)));
      return true;
    }
    if (m.type === "e2ee_chat") {
      const from = String(m.from);
      void this.queue(() => this.onChat(from, String(m.payload)));
      return true;
    }
    return false;
  }

  // ---- chat ----

  /** Sends a chat message encrypted end to end: to everyone with the chat subkey of our
   * media key (`e2ee_chat`), privately under the pairwise key (`e2ee_message`). */
  sendChat(text: string, to?: string): void {
    void this.queue(async () => {
      const time = Date.now() / 1000;
      const plain = te.encode(JSON.stringify({ text, time }));
      if (to) {
        const peer = this.peers.get(to);
        if (!peer) return;
        this.send(to, { t: "chat", ...(await this.seal(peer, plain, "chat")) });
      } else {
        const iv = crypto.getRandomValues(new Uint8Array(12));
        const head = new Uint8Array(4);
        new DataView(head.buffer).setUint32(0, this.own.id);
        const ct = await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData: head }, this.ownChat, plain);
        this.host.session.send({ type: "e2ee_chat", payload: b64(concat(head, iv, new Uint8Array(ct))) });
      }
      const me = this.host.session.you;
      this.host.addChat({ id: chatIds--, from: me?.id ?? "", fromName: me?.name ?? "", text, time, to });
    });
  }

  private async onChat(from: string, payload: string): Promise<void> {
    const data = unb64(payload);
    const known = this.keys.get(from);
    if (!known || data.length < 16 + 16) return;
    const k = await findKey(known, new DataView(data.buffer).getUint32(0));
    if (!k) return;
    try {
      const pt = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: data.slice(4, 16), additionalData: data.slice(0, 4) },
        await subkey(k, "chat"),
        data.subarray(16) as BufferSource,
      );
      this.host.addChat(this.chatFrom(from, JSON.parse(td.decode(pt))));
    } catch {
      /* not from this key: dropped */
    }
  }

  // ---- what everyone sees ----

  private unverified(): string[] {
    const out: string[] = [];
    for (const [pid, p] of this.host.participants()) {
      const peer = this.peers.get(pid);
      if (!peer || this.verified.get(pid) !== b64(peer.pk)) out.push(p.name);
    }
    return out;
  }

  render(): void {
    if (!this.enabled) {
      this.badge.hidden = true;
      return;
    }
    this.badge.hidden = false;
    const missing = this.unverified();
    this.badge.dataset.verified = String(missing.length === 0);
    this.notesOff.textContent = say("notesOff");
    this.status.replaceChildren(
      h("span", { class: "lock", "aria-hidden": "true" }, "🔒"),
      say("encrypted"),
      missing.length ? h("span", { class: "unverified", id: "e2ee-unverified" }, " — " + say("unverified", { names: missing.join(", ") })) : "",
    );
    this.host.refreshPeople();
  }

  /** The participants panel's verification row for one participant. */
  person(pid: string): HTMLElement | null {
    if (!this.enabled) return null;
    const peer = this.peers.get(pid);
    if (!peer) return h("span", { class: "e2ee-sas pending", "data-sas-for": pid }, say("noKeyYet"));
    const ok = this.verified.get(pid) === b64(peer.pk);
    const lang = getLang();
    const code = h(
      "span",
      { class: "sas", "data-sas": peer.sas.join(","), role: "img", "aria-label": sasLabel(peer.sas, lang) },
      sasLabel(peer.sas, "emoji"),
    );
    const btn = h("button", { type: "button", class: "btn small", "data-verify": pid, "aria-pressed": String(ok) }, say(ok ? "verified" : "markVerified"));
    btn.addEventListener("click", () => {
      if (this.verified.get(pid) === b64(peer.pk)) this.verified.delete(pid);
      else this.verified.set(pid, b64(peer.pk));
      this.render();
    });
    return h("div", { class: `e2ee-sas${ok ? " ok" : ""}`, "data-sas-for": pid }, say("compare"), " ", code, " ", btn);
  }

  // ---- test hook ----

  async state(): Promise<Record<string, unknown>> {
    const ref = this.nextRef++;
    const worker = await new Promise((resolve) => {
      this.statRefs.set(ref, resolve);
      this.post({ op: "stats", ref });
    });
    const keys: Record<string, number[]> = {};
    for (const [pid, m] of this.keys) keys[pid] = [...m.keys()];
    const out: Record<string, unknown> = {
      enabled: this.enabled,
      ownKeyId: this.own?.id,
      keys,
      sas: Object.fromEntries([...this.peers].map(([pid, p]) => [pid, p.sas])),
      worker: (worker as { stats: unknown }).stats,
    };
    if (test().exportKeys) {
      out.ownKey = this.own && b64(this.own.raw);
      out.rawKeys = Object.fromEntries(
        [...this.keys].map(([pid, m]) => [pid, [...m.values()].map((k) => ({ id: k.id, raw: b64(k.raw) }))]),
      );
    }
    return out;
  }

  dispose(): void {
    window.clearTimeout(this.switchTimer);
    this.offLang();
    this.host.session.frames.setAttach(null);
    this.worker.terminate();
    this.badge.remove();
  }
}

export { canEncrypt };
