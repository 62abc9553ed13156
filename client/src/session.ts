// Signaling (docs/protocol.md) and the two peer connections: publish (we offer) and
// subscribe (the server offers). Reconnects by itself after a WebSocket or ICE drop: when only
// a media path broke and the WebSocket still answers, by an ICE restart on the same session;
// otherwise by a new WebSocket that resumes the same participant.

import {
  PROTOCOL_VERSION,
  type ClientMessage,
  type Join,
  type Joined,
  type KnockerView,
  type Receive,
  type ServerMessage,
  type SettingsView,
  type SubscribeOffer,
} from "./protocol.gen";
import type { Participant, RemoteTrackInfo, Source } from "./types";
import { FrameHooks, canEncrypt, pcConfig } from "./e2ee/support";

export interface RemoteTrack extends RemoteTrackInfo {
  media: MediaStreamTrack;
}

export type RoomSettings = SettingsView;
export type Knocker = KnockerView;

export interface JoinedInfo {
  room: string;
  code?: string;
  you: Participant;
  participants: Participant[];
  settings?: RoomSettings;
  lobby: Knocker[];
  /** The whole `joined` message: chat history, hands and what comes next. */
  raw: Joined;
}

export type Status = "connecting" | "connected" | "reconnecting" | "lobby";
/** What the server sends (docs/protocol.md, generated from the server's structs). */
export type Msg = ServerMessage;
/** What the client sends, without the request `id` that `request` adds. */
export type Outgoing = ClientMessage extends infer M
  ? M extends { id?: unknown }
    ? Omit<M, "id">
    : never
  : never;
type ReceiveVideo = Receive["video"];
const RECEIVE_VIDEO: readonly ReceiveVideo[] = ["off", "low", "standard", "high"];

export interface SessionEvents {
  joined(info: JoinedInfo): void;
  participantJoined(p: Participant): void;
  participantLeft(id: string): void;
  participantUpdated(p: Participant): void;
  remoteTracks(tracks: RemoteTrack[]): void;
  status(s: Status): void;
  /** The session is over and will not reconnect (left, removed, ended...). */
  ended(reason: string): void;
  /** The room refused the join (password_required, wrong_password, room_locked...). */
  refused(code: string, message: string): void;
  error(code: string, message: string): void;
  /** Moderation and room news: muted, unmute_requested, lobby_knock, lobby_left, room_updated. */
  other(m: Msg): void;
}

export interface LocalMedia {
  mic: MediaStreamTrack | null;
  cam: MediaStreamTrack | null;
  screen: MediaStreamTrack | null;
  audioMuted: boolean;
  videoMuted: boolean;
  /** Audio-only: no camera m-section and remote video refused until the camera is turned on. */
  audioOnly: boolean;
}

type Pending = { resolve: (m: Msg) => void; reject: (e: Error) => void; timer: number };

export class SignalError extends Error {
  constructor(
    public code: string,
    message: string,
  ) {
    super(message);
  }
}

// With Chromium's encoded streams, E2EE needs a flag at creation (client/src/e2ee/support.ts).
const PC_CONFIG: RTCConfiguration = pcConfig({
  bundlePolicy: "max-bundle",
  rtcpMuxPolicy: "require",
  iceServers: [],
});
const REQUEST_TIMEOUT = 10_000;
const PING_EVERY = 15_000;
/** How long a connection may stay disconnected (consent checks often bring it back) before
 * it is restarted. */
const ICE_GRACE = 4_000;
const ICE_CONNECT_TIMEOUT = 20_000;
/** How long the WebSocket has to answer the ping that shows it alive before an ICE restart;
 * a WebSocket that does not is taken as down too, and the session resumes on a new one. */
const PROBE_TIMEOUT = 3_000;
/** How long an ICE restart may take to connect before the session drops and resumes. */
const ICE_RESTART_GRACE = 10_000;

type PcLabel = "publish" | "subscribe";

/** The camera as VP8 simulcast: three layers, lowest first, of which the SFU forwards to each
 * viewer the one that fits its tile and bandwidth; each layer has its height. */
const CAMERA_LAYERS = [
  { rid: "q", height: 180, maxBitrate: 150_000 },
  { rid: "h", height: 360, maxBitrate: 500_000 },
  { rid: "f", height: 720, maxBitrate: 1_500_000 },
] as const;

/** The layers for a camera captured `height` pixels high (720p unless the settings send
 * less): each layer at its own height, or at the capture's where that is lower, on if the
 * capture is taller than the layer below (360p: two layers, 180p: one, 480p: 180, 360 and
 * 480). Scaled from the capture alone, a 180p camera's one layer would be 45 pixels high. */
function cameraLayers(height = 720): RTCRtpEncodingParameters[] {
  return CAMERA_LAYERS.map(({ rid, height: h, maxBitrate }, i) => ({
    rid,
    maxBitrate,
    active: i === 0 || CAMERA_LAYERS[i - 1]!.height < height,
    scaleResolutionDownBy: Math.max(1, height / h),
  }));
}

/** After the camera's track changed: its layers fitted to the new track's height. */
async function fitLayers(sender: RTCRtpSender, height: number | undefined): Promise<void> {
  const params = sender.getParameters();
  if (!params.encodings?.length || height === undefined) return;
  const wanted = new Map(cameraLayers(height).map((e) => [e.rid, e]));
  for (const e of params.encodings) {
    const w = e.rid ? wanted.get(e.rid) : undefined;
    if (w) Object.assign(e, { active: w.active, scaleResolutionDownBy: w.scaleResolutionDownBy });
  }
  await sender.setParameters(params);
}

/**
 * Keep the server's offer of RFC 3611 receiver reference time reports in our answer for the
 * codecs it offered them for. Chromium supports them but never puts them in an answer by
 * itself; without them a page that only receives never learns its round-trip time, and its
 * jitter buffer, not waiting for retransmissions, freezes at each loss.
 */
export function keepRrtr(offer: string, answer: string): string {
  const offered = new Set(
    [...offer.matchAll(/^a=rtcp-fb:(\d+) rrtr\r?$/gm)].map((match) => match[1]),
  );
  if (offered.size === 0) return answer;
  return answer.replace(/^a=rtcp-fb:(\d+) nack\r?\n/gm, (line, pt: string) =>
    offered.has(pt) && !answer.includes(`a=rtcp-fb:${pt} rrtr`)
      ? `${line}a=rtcp-fb:${pt} rrtr\r\n`
      : line,
  );
}

function addCamera(pc: RTCPeerConnection, track: MediaStreamTrack | null, stream: MediaStream, height?: number) {
  const t = pc.addTransceiver(track ?? "video", {
    direction: "sendonly",
    streams: [stream],
    sendEncodings: cameraLayers(height),
  });
  // VP8 first: the SFU's simulcast is VP8's.
  const codecs = RTCRtpSender.getCapabilities?.("video")?.codecs ?? [];
  const vp8 = codecs.filter((c) => c.mimeType.toLowerCase() === "video/vp8");
  if (vp8.length && t.setCodecPreferences) {
    t.setCodecPreferences([...vp8, ...codecs.filter((c) => !vp8.includes(c))]);
  }
  return t;
}

export class Session {
  ws: WebSocket | null = null;
  pub: RTCPeerConnection | null = null;
  sub: RTCPeerConnection | null = null;
  you: Participant | null = null;
  remote: RemoteTrack[] = [];
  reconnects = 0;
  /** ICE restarts made (one per connection restarted; the WebSocket answered, the participant
   * stayed): for tests to tell them from new joins. */
  iceRestarts = 0;
  /** `joined` messages received: the first join and each resume count, an ICE restart does not. */
  joins = 0;
  /** The secret of the last `joined`, sent with the next join after a drop. */
  private resumeToken: string | null = null;
  /** Every sender and receiver, for end-to-end encryption to transform. */
  readonly frames = new FrameHooks();
  /** Our media goes to one other browser directly (client/src/meeting/p2p.ts): the publish
   * connection keeps its m-sections but its senders carry no track. */
  private sfuHeld = false;
  /** Our microphone, camera or screen changed (for the direct connection to follow). */
  onLocal: (() => void) | null = null;

  /** The generation: one per WebSocket. Whatever an older one started (a request, an
   * offer or answer, an ICE restart, a timer) checks it and gives up when it has changed. */
  private gen = 0;
  /** The ping in flight that shows the WebSocket of this generation alive, if any. */
  private probing: { gen: number; alive: Promise<boolean> } | null = null;
  private nextId = 1;
  private pending = new Map<number, Pending>();
  private tx: Partial<Record<Source, RTCRtpTransceiver>> = {};
  private stream = new MediaStream();
  private attempt = 0;
  private closed = false;
  password: string | null = null;
  private receive: ReceiveVideo = "standard";
  private lastError: { code: string; message: string } | null = null;
  private timers = new Set<number>();
  private subChain: Promise<void> = Promise.resolve();
  private pubChain: Promise<void> = Promise.resolve();

  constructor(
    public room: string,
    public name: string,
    public local: LocalMedia,
    private token: string | null,
    private ev: SessionEvents,
  ) {}

  start(): void {
    this.connect();
  }

  /** After a refusal: try again, with a password if one was asked. */
  retry(password: string | null): void {
    this.password = password;
    this.closed = false;
    this.attempt = 0;
    this.teardown();
    this.connect();
  }

  /** What video to receive: off (audio only), low, standard or high. */
  setReceive(video: string): void {
    const chosen = RECEIVE_VIDEO.find((v) => v === video);
    if (chosen === undefined) return;
    this.receive = chosen;
    this.send({ type: "receive", video: chosen });
  }

  /** A request that the server answers (or refuses with an error carrying our id). */
  call(m: Outgoing): Promise<Msg> {
    return this.request(m);
  }

  // ---- connection lifecycle ----

  private connect(): void {
    const gen = ++this.gen;
    this.ev.status(this.attempt || this.reconnects ? "reconnecting" : "connecting");
    const proto = location.protocol === "https:" ? "wss:" : "ws:";
    const query = this.token ? `?token=${encodeURIComponent(this.token)}` : "";
    const ws = new WebSocket(`${proto}//${location.host}/ws${query}`);
    this.ws = ws;
    this.lastError = null;
    ws.onopen = () => void this.onOpen(gen);
    ws.onmessage = (e) => this.onMessage(gen, e.data);
    ws.onclose = (e) => {
      if (gen !== this.gen || this.closed) return;
      if (e.code === 1008) {
        // Refused by policy (an invitation token that is not valid): retrying won't help.
        this.close();
        this.ev.refused("token", this.lastError?.message ?? e.reason);
      } else this.drop("websocket closed");
    };
    ws.onerror = () => {};
  }

  private async onOpen(gen: number): Promise<void> {
    let reply: Msg;
    const join: Omit<Join, "id"> = {
      type: "join",
      room: this.room,
      name: this.name,
      versions: [PROTOCOL_VERSION],
    };
    if (this.password) join.password = this.password;
    if (canEncrypt) join.e2ee = true;
    // A two-person meeting may go peer to peer; not an audio-only join (it would get video).
    if (!this.local.audioOnly) join.p2p = true;
    // After a drop: come back as the same participant (id, role, hand), past the lobby.
    if (this.resumeToken) join.resume = this.resumeToken;
    try {
      reply = await this.request(join);
    } catch (e) {
      if (gen !== this.gen) return;
      if (e instanceof SignalError && e.code !== "timeout" && e.code !== "closed") {
        // The room refused us (password, lock, full...): no automatic retry.
        this.close();
        this.ev.refused(e.code, e.message);
      } else this.drop("join failed");
      return;
    }
    if (gen !== this.gen) return;
    this.every(gen, PING_EVERY, () => {
      this.request({ type: "ping" }).catch(() => {
        if (gen === this.gen) this.drop("ping timeout");
      });
    });
    if (reply.type === "lobby_waiting") {
      this.ev.status("lobby"); // `joined` comes when a moderator lets us in
      return;
    }
    if (reply.type !== "joined") {
      this.drop(`join: unexpected ${reply.type}`);
      return;
    }
    await this.onJoined(gen, reply);
  }

  private async onJoined(gen: number, joined: Joined): Promise<void> {
    if (gen !== this.gen) return;
    this.joins += 1;
    this.you = joined.you;
    // In a breakout room, we come back to the meeting by its main room's name.
    this.room = joined.breakout?.main ?? joined.room;
    this.resumeToken = joined.resume;
    this.ev.joined({
      room: this.room,
      code: joined.code,
      you: this.you,
      participants: joined.participants,
      settings: joined.settings,
      lobby: joined.lobby ?? [],
      raw: joined,
    });
    if (this.receive !== "standard") this.send({ type: "receive", video: this.receive });
    if (this.local.audioMuted) this.send({ type: "mute", kind: "audio", muted: true });
    if (this.local.videoMuted) this.send({ type: "mute", kind: "video", muted: true });
    // Moved into another room of the meeting (a breakout room, and back) on this same
    // WebSocket: the server kept our media session, so our publish connection stays.
    if (this.pub) return;
    try {
      await this.setupPublish(gen);
    } catch (e) {
      if (gen !== this.gen) return;
      this.ev.error("publish", String(e));
      this.drop("publish failed");
      return;
    }
    if (gen !== this.gen) return;
    this.attempt = 0;
    this.ev.status("connected");
  }

  /** Something broke: tear down and try again after a back-off. */
  private drop(why: string): void {
    if (this.closed) return;
    console.info("palabre: reconnecting:", why);
    this.teardown();
    this.reconnects += 1;
    this.ev.status("reconnecting");
    const delay = Math.min(500 * 2 ** this.attempt, 8000);
    this.attempt += 1;
    const gen = this.gen;
    const timer = window.setTimeout(() => {
      this.timers.delete(timer);
      if (!this.closed && gen === this.gen) this.connect();
    }, delay);
    this.timers.add(timer);
  }

  private teardown(): void {
    // A new generation: pending ICE restarts, their probe and their negotiations (in the
    // chains below) all belong to the old one and stop at their next check.
    this.gen += 1;
    this.probing = null;
    for (const tm of this.timers) window.clearTimeout(tm), window.clearInterval(tm);
    this.timers.clear();
    for (const p of this.pending.values()) {
      window.clearTimeout(p.timer);
      p.reject(new SignalError("closed", "connection closed"));
    }
    this.pending.clear();
    if (this.ws) {
      this.ws.onclose = this.ws.onmessage = this.ws.onopen = null;
      try {
        this.ws.close();
      } catch {
        /* already closed */
      }
      this.ws = null;
    }
    this.pub?.close();
    this.sub?.close();
    this.pub = this.sub = null;
    this.frames.reset();
    this.tx = {};
    this.subChain = Promise.resolve();
    this.pubChain = Promise.resolve();
  }

  private close(): void {
    this.closed = true;
    this.teardown();
  }

  /** Leaves the meeting: tells the server, waits briefly for its goodbye, closes. */
  async leave(): Promise<void> {
    if (this.closed) return;
    const ws = this.ws;
    this.closed = true;
    if (ws && ws.readyState === WebSocket.OPEN) {
      const bye = new Promise<void>((resolve) => {
        const timer = window.setTimeout(resolve, 1000);
        ws.addEventListener("close", () => (window.clearTimeout(timer), resolve()));
        ws.addEventListener("message", (e) => {
          if (String(e.data).includes('"bye"')) window.clearTimeout(timer), resolve();
        });
      });
      ws.send(JSON.stringify({ type: "leave" }));
      await bye;
    }
    this.teardown();
  }

  /** On page unload: a best-effort goodbye so the others see us leave at once. */
  leaveNow(): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ type: "leave" }));
    this.close();
  }

  private every(gen: number, ms: number, fn: () => void): void {
    const timer = window.setInterval(() => {
      if (gen === this.gen) fn();
    }, ms);
    this.timers.add(timer);
  }

  // ---- messages ----

  send(m: Outgoing): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(m));
  }

  /** Sends `m` with a new id and waits for the reply. With `gen`, only on that generation's
   * WebSocket: a negotiation of an older one must not reach a newer one. */
  private request(m: Outgoing, timeout = REQUEST_TIMEOUT, gen = this.gen): Promise<Msg> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (gen !== this.gen || this.ws?.readyState !== WebSocket.OPEN) {
        reject(new SignalError("closed", "not connected"));
        return;
      }
      const timer = window.setTimeout(() => {
        this.pending.delete(id);
        reject(new SignalError("timeout", `${m.type}: no reply`));
      }, timeout);
      this.pending.set(id, { resolve, reject, timer });
      this.ws.send(JSON.stringify({ ...m, id }));
    });
  }

  private onMessage(gen: number, data: unknown): void {
    if (gen !== this.gen) return;
    let m: Msg;
    try {
      m = JSON.parse(String(data)) as Msg;
    } catch {
      return;
    }
    const ref = "ref" in m && typeof m.ref === "number" ? m.ref : null;
    if (ref !== null && this.pending.has(ref)) {
      const p = this.pending.get(ref)!;
      this.pending.delete(ref);
      window.clearTimeout(p.timer);
      if (m.type === "error") p.reject(new SignalError(m.code, m.message));
      else p.resolve(m);
      return;
    }
    switch (m.type) {
      case "participant_joined":
        this.ev.participantJoined(m.participant);
        break;
      case "participant_left":
        this.ev.participantLeft(m.id);
        break;
      case "participant_updated":
        this.ev.participantUpdated(m.participant);
        break;
      case "subscribe_offer":
        this.subChain = this.subChain
          .then(() => this.onSubscribeOffer(gen, m))
          .catch((e) => {
            if (gen !== this.gen) return;
            this.ev.error("subscribe", String(e));
            this.drop("subscribe failed");
          });
        break;
      case "joined": // let in from the lobby, or moved into another room of the meeting
        void this.onJoined(gen, m).catch((e) => {
          if (gen !== this.gen) return;
          this.ev.error("join", String(e));
          this.drop("join failed");
        });
        break;
      case "error":
        this.lastError = { code: m.code, message: m.message };
        this.ev.error(this.lastError.code, this.lastError.message);
        break;
      case "bye": {
        const reason = m.reason;
        if (reason === "shutdown" || reason === "media_timeout") this.drop(`bye: ${reason}`);
        else {
          this.close();
          this.ev.ended(reason);
        }
        break;
      }
      case "tracks":
      case "pong":
        break;
      default:
        this.ev.other(m);
    }
  }

  // ---- publish ----

  /** Watches a connection's ICE. A connection that fails, or stays disconnected for
   * ICE_GRACE, is restarted (RFC 8445 section 9: new credentials, new checks; same participant
   * and tracks) if the WebSocket shows itself alive by answering a ping; else, or if the
   * restart does not connect within ICE_RESTART_GRACE, the session drops and resumes. */
  private watchIce(pc: RTCPeerConnection, gen: number, label: PcLabel): void {
    let grace = 0;
    let state: "ok" | "waiting" | "probing" | "restarting" = "ok";
    const later = (ms: number, fn: () => void): number => {
      const timer = window.setTimeout(() => {
        this.timers.delete(timer);
        if (gen === this.gen && pc.connectionState !== "connected") fn();
      }, ms);
      this.timers.add(timer);
      return timer;
    };
    // Only the publish connection must come up in time: a subscribe connection may carry
    // nothing yet.
    const connectTimer =
      label === "publish"
        ? later(ICE_CONNECT_TIMEOUT, () => this.drop(`${label}: ICE timeout`))
        : 0;
    const recover = async (why: string) => {
      state = "probing";
      window.clearTimeout(grace);
      const alive = await this.probe(gen);
      // Back by itself meanwhile (and maybe lost again, with a grace of its own running).
      if (gen !== this.gen || state !== "probing") return;
      if (!alive) return this.drop(`${why}, and the WebSocket does not answer`);
      if (pc.connectionState === "connected") {
        state = "ok";
        return;
      }
      state = "restarting";
      this.restartIce(pc, gen, label);
      grace = later(ICE_RESTART_GRACE, () => this.drop(`${why}; the ICE restart did not connect`));
    };
    pc.addEventListener("connectionstatechange", () => {
      if (gen !== this.gen) return;
      const s = pc.connectionState;
      if (s === "connected") {
        window.clearTimeout(connectTimer);
        window.clearTimeout(grace);
        state = "ok";
      } else if (s === "failed") {
        // A restart under way has its own grace; a probe under way decides.
        if (state === "ok" || state === "waiting") void recover(`${label}: ICE failed`);
      } else if (s === "disconnected" && state === "ok") {
        // Often back by itself (consent checks resume); if not, restart.
        state = "waiting";
        grace = later(ICE_GRACE, () => void recover(`${label}: ICE disconnected`));
      }
    });
  }

  /** Whether the WebSocket of generation `gen` answers a ping within PROBE_TIMEOUT (one ping
   * for both connections when they break together). */
  private probe(gen: number): Promise<boolean> {
    if (gen !== this.gen || this.ws?.readyState !== WebSocket.OPEN) return Promise.resolve(false);
    if (this.probing?.gen === gen) return this.probing.alive;
    const alive = this.request({ type: "ping" }, PROBE_TIMEOUT, gen).then(
      () => gen === this.gen,
      () => false,
    );
    const probing = { gen, alive };
    this.probing = probing;
    void alive.then(() => {
      if (this.probing === probing) this.probing = null;
    });
    return alive;
  }

  /** New ICE credentials for one connection, over the WebSocket that just answered. */
  private restartIce(pc: RTCPeerConnection, gen: number, label: PcLabel): void {
    this.iceRestarts += 1;
    console.info("palabre: restarting ICE:", label);
    if (label === "subscribe") {
      // The server offers anew, with new credentials; onSubscribeOffer answers it (in this
      // generation only).
      this.send({ type: "restart_ice" });
      return;
    }
    pc.restartIce(); // the next offer carries new credentials
    this.negotiatePublish(gen).catch((e) => {
      if (gen !== this.gen) return; // dropped meanwhile: the resume negotiates afresh
      this.ev.error("publish", String(e));
      this.drop("publish ICE restart failed");
    });
  }

  private async setupPublish(gen: number): Promise<void> {
    const pc = new RTCPeerConnection(PC_CONFIG);
    this.pub = pc;
    this.watchIce(pc, gen, "publish");
    const add = (source: Source, kind: "audio" | "video", track: MediaStreamTrack | null) => {
      this.tx[source] = pc.addTransceiver(track ?? kind, {
        direction: "sendonly",
        streams: [this.stream],
      });
    };
    add("microphone", "audio", this.toSfu(this.local.mic));
    if (!this.local.audioOnly || this.local.cam)
      this.tx.camera = addCamera(pc, this.toSfu(this.local.cam), this.stream, this.local.cam?.getSettings().height);
    if (this.local.screen) add("screen", "video", this.toSfu(this.local.screen));
    await this.negotiatePublish(gen);
  }

  private negotiatePublish(gen: number): Promise<void> {
    const run = async () => {
      const pc = this.pub;
      if (!pc || gen !== this.gen) return;
      await this.frames.ready();
      if (gen !== this.gen) return;
      this.frames.senders(pc);
      await pc.setLocalDescription(await pc.createOffer());
      if (gen !== this.gen) return;
      const sources: Record<string, Source> = {};
      for (const [src, t] of Object.entries(this.tx) as [Source, RTCRtpTransceiver][]) {
        if (t.mid !== null && t.direction === "sendonly") sources[t.mid] = src;
      }
      const offer = { type: "publish" as const, sdp: pc.localDescription!.sdp, sources };
      const ans = await this.request(offer, REQUEST_TIMEOUT, gen);
      if (gen !== this.gen) return;
      if (ans.type !== "publish_answer") throw new Error(`publish: unexpected ${ans.type}`);
      await pc.setRemoteDescription({ type: "answer", sdp: ans.sdp });
    };
    const p = this.pubChain.then(run);
    this.pubChain = p.catch(() => {});
    return p;
  }

  private renegotiate(): void {
    const gen = this.gen;
    this.negotiatePublish(gen).catch((e) => {
      if (gen !== this.gen) return;
      this.ev.error("publish", String(e));
      this.drop("publish renegotiation failed");
    });
  }

  // ---- subscribe ----

  private async onSubscribeOffer(gen: number, m: SubscribeOffer): Promise<void> {
    if (gen !== this.gen) return;
    if (!this.sub) {
      this.sub = new RTCPeerConnection(PC_CONFIG);
      this.watchIce(this.sub, gen, "subscribe");
    }
    const pc = this.sub;
    await this.frames.ready();
    if (gen !== this.gen) return;
    await pc.setRemoteDescription({ type: "offer", sdp: m.sdp });
    if (gen !== this.gen) return;
    this.frames.receivers(pc);
    const infos: RemoteTrackInfo[] = m.tracks;
    const answer = await pc.createAnswer();
    await pc.setLocalDescription({
      type: "answer",
      sdp: keepRrtr(m.sdp, answer.sdp ?? ""),
    });
    if (gen !== this.gen) return;
    this.send({ type: "subscribe_answer", sdp: pc.localDescription!.sdp });
    const byMid = new Map(pc.getTransceivers().map((t) => [t.mid, t]));
    this.remote = [];
    for (const info of infos) {
      const t = byMid.get(String(info.mid));
      if (t) this.remote.push({ ...info, mid: String(info.mid), media: t.receiver.track });
    }
    this.ev.remoteTracks(this.remote);
  }

  // ---- local media changes ----

  /** What a publish sender carries: the track, or nothing while our media goes directly. */
  private toSfu(track: MediaStreamTrack | null): MediaStreamTrack | null {
    return this.sfuHeld ? null : track;
  }

  /** Send our media to the SFU (true) or nothing there (false: peer-to-peer carries it). The
   * m-sections stay negotiated, so switching is a track replacement, no renegotiation. */
  sfuSending(on: boolean): void {
    if (this.sfuHeld === !on) return;
    this.sfuHeld = !on;
    const local = { microphone: this.local.mic, camera: this.local.cam, screen: this.local.screen };
    for (const [src, t] of Object.entries(this.tx) as [Source, RTCRtpTransceiver][]) {
      void t.sender.replaceTrack(this.toSfu(local[src])).catch(() => {});
    }
  }

  setAudioMuted(muted: boolean): void {
    this.local.audioMuted = muted;
    if (this.local.mic) this.local.mic.enabled = !muted;
    this.send({ type: "mute", kind: "audio", muted });
  }

  async setMicrophone(track: MediaStreamTrack | null): Promise<void> {
    this.local.mic = track;
    if (track) track.enabled = !this.local.audioMuted;
    this.onLocal?.();
    await this.tx.microphone?.sender.replaceTrack(this.toSfu(track));
  }

  /** Turns the camera on (a track) or off (null). */
  async setCamera(track: MediaStreamTrack | null): Promise<void> {
    this.local.cam = track;
    this.local.videoMuted = !track;
    if (track && this.local.audioOnly) this.local.audioOnly = false;
    this.onLocal?.();
    const t = this.tx.camera;
    if (t) {
      await t.sender.replaceTrack(this.toSfu(track));
      if (track) await fitLayers(t.sender, track.getSettings().height).catch(() => {});
    } else if (track && this.pub) {
      this.tx.camera = addCamera(this.pub, this.toSfu(track), this.stream, track.getSettings().height);
      this.renegotiate();
    }
    this.send({ type: "mute", kind: "video", muted: !track });
  }

  /** Starts (a track) or stops (null) the screen share: a publish renegotiation. */
  async setScreen(track: MediaStreamTrack | null): Promise<void> {
    this.local.screen = track;
    this.onLocal?.();
    const pc = this.pub;
    if (!pc) return;
    const t = this.tx.screen;
    if (track) {
      if (t) {
        await t.sender.replaceTrack(this.toSfu(track));
        t.direction = "sendonly";
      } else this.tx.screen = pc.addTransceiver(this.toSfu(track) ?? "video", { direction: "sendonly" });
    } else if (t) {
      await t.sender.replaceTrack(null);
      t.direction = "inactive";
    }
    this.renegotiate();
  }
}
