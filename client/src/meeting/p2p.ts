// Peer-to-peer for two (docs/protocol.md, "Peer-to-peer"): while the server names us a pair,
// one more RTCPeerConnection, straight to the other browser, carries our microphone, camera
// and screen share both ways, and the SFU carries nothing. Each switch waits for the new path's
// media to flow before the tiles take its tracks, so nobody sees a gap.

import type { IceCandidateView, P2pSignal, P2pSignalRelayed, P2pView } from "../protocol.gen";
import type { Outgoing, RemoteTrack } from "../session";
import type { Participant, Source } from "../types";

/** The m-sections of the direct connection, in this order on both sides. */
const ORDER: readonly Source[] = ["microphone", "camera", "screen"];
/** No STUN or TURN server: host candidates only, nothing asked of another origin. */
const CONFIG: RTCConfiguration = { iceServers: [], bundlePolicy: "max-bundle", rtcpMuxPolicy: "require" };
/** How long the direct connection has to carry the other's media before we stay on the SFU. */
const CONNECT_TIMEOUT = 12_000;
/** How long the SFU's media of the other may take to flow when we switch back to it. */
const SWITCH_TIMEOUT = 8_000;
/** On a return from the SFU, how long we keep sending there once the direct path flows, so
 * that the other, who may see our direct media a little later, never lacks either. */
const HOLD_GRACE = 2_000;
const POLL = 250;
/** While live: the other's media stopping this long on the direct path sends us to the SFU
 * (long enough that a busy machine's pause in decoding is not taken for a broken path). */
const STALL = 10_000;

export interface P2pHost {
  send(m: Outgoing): void;
  /** What we capture now, by source (null: nothing). */
  local(): Record<Source, MediaStreamTrack | null>;
  /** Send our media to the SFU (true), or hold it (false). */
  sfuSending(on: boolean): void;
  /** The tracks the SFU offers us (subscribe connection), and that connection. */
  sfuRemote(): RemoteTrack[];
  sfuConnection(): RTCPeerConnection | null;
  participant(id: string): Participant | undefined;
  /** What the tiles should show changed (the direct tracks came or went). */
  changed(): void;
}

class Link {
  readonly pc = new RTCPeerConnection(CONFIG);
  readonly tx = new Map<Source, RTCRtpTransceiver>();
  /** Candidates that came before the other's description. */
  readonly early: RTCIceCandidateInit[] = [];
  live = false;
  closed = false;

  constructor(
    readonly peer: string,
    readonly session: number,
    readonly offerer: boolean,
  ) {}

  close(): void {
    this.closed = true;
    this.pc.close();
  }
}

/** Decoded video frames (or, without video, audio packets) received on these tracks so far. */
async function received(pc: RTCPeerConnection | null, tracks: MediaStreamTrack[]): Promise<number> {
  if (!pc || !tracks.length) return 0;
  const ids = new Set(tracks.map((t) => t.id));
  const video = tracks.some((t) => t.kind === "video");
  let total = 0;
  (await pc.getStats()).forEach((s: { type: string; trackIdentifier?: string; kind?: string; framesDecoded?: number; packetsReceived?: number }) => {
    if (s.type !== "inbound-rtp" || !ids.has(s.trackIdentifier ?? "")) return;
    total += video ? (s.kind === "video" ? s.framesDecoded ?? 0 : 0) : s.packetsReceived ?? 0;
  });
  return total;
}

export class PeerToPeer {
  private link: Link | null = null;
  /** The tiles show the direct tracks (the link is live). */
  private showing = false;
  private timers = new Set<number>();
  private disposed = false;

  constructor(private host: P2pHost) {}

  /** The direct connection, for the browser tests. */
  get connection(): RTCPeerConnection | null {
    return this.link?.pc ?? null;
  }

  get active(): boolean {
    return this.showing;
  }

  /** The server's word (`joined` or `p2p`): meet this peer directly, or no one. */
  set(view: P2pView | null | undefined): void {
    if (this.disposed) return;
    const link = this.link;
    if (!view) {
      if (link) void this.backToSfu(link);
      else this.host.sfuSending(true);
      return;
    }
    if (link?.session === view.session && link.peer === view.peer && !link.closed) return;
    if (link) this.drop(link);
    // Just met (nothing of the other comes through the SFU yet): send it nothing at all.
    const fresh = !this.host.sfuRemote().some((r) => r.participant === view.peer);
    if (fresh) this.host.sfuSending(false);
    const next = new Link(view.peer, view.session, view.offerer);
    this.link = next;
    this.wire(next, fresh);
    if (next.offerer) void this.offer(next).catch((e) => this.failed(next, `offer: ${e}`));
  }

  /** What the other of the pair sent through the server. */
  signal(m: P2pSignalRelayed): void {
    const link = this.link;
    if (!link || link.closed || m.session !== link.session || m.from !== link.peer) return;
    if (m.offer) void this.answer(link, m.offer).catch((e) => this.failed(link, `answer: ${e}`));
    else if (m.answer)
      void link.pc
        .setRemoteDescription({ type: "answer", sdp: m.answer })
        .then(() => this.flushCandidates(link))
        .catch((e) => this.failed(link, `answer: ${e}`));
    else if (m.candidate) this.candidate(link, m.candidate);
  }

  /** Our microphone, camera or screen changed: the direct senders carry it too. */
  localChanged(): void {
    const link = this.link;
    if (!link || link.closed) return;
    const local = this.host.local();
    for (const [source, t] of link.tx) if (t.sender.track !== local[source]) void t.sender.replaceTrack(local[source]).catch(() => {});
  }

  /** The SFU's list of what we receive, with the other's media taken from the direct
   * connection while it is live. */
  remap(list: RemoteTrack[]): RemoteTrack[] {
    const link = this.link;
    if (!this.showing || !link) return list;
    return list.map((r) => {
      const direct = r.participant === link.peer ? link.tx.get(r.source)?.receiver.track : undefined;
      return direct && r.kind === direct.kind ? { ...r, media: direct } : r;
    });
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.timers) window.clearTimeout(t);
    this.timers.clear();
    this.link?.close();
    this.link = null;
  }

  // ---- the direct connection ----

  private wire(link: Link, fresh: boolean): void {
    link.pc.onicecandidate = (e) => {
      const c = e.candidate;
      if (!c || !c.candidate || !c.candidate.includes(" typ host") || link.closed) return;
      const candidate: IceCandidateView = { candidate: c.candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex };
      this.send(link, { candidate });
    };
    link.pc.onconnectionstatechange = () => {
      if (link.closed || this.link !== link) return;
      const state = link.pc.connectionState;
      if (state === "failed" || (state === "closed" && !link.closed)) void this.backToSfu(link);
    };
    const started = performance.now();
    const poll = async (): Promise<void> => {
      if (link.closed || this.link !== link || link.live) return;
      if (await this.flowing(link)) return this.wentLive(link, fresh);
      if (performance.now() - started > CONNECT_TIMEOUT) return this.failed(link, "no media");
      this.later(POLL, () => void poll());
    };
    this.later(POLL, () => void poll());
  }

  /** Whether the other's media arrives on the direct connection. */
  private async flowing(link: Link): Promise<boolean> {
    if (link.pc.connectionState !== "connected") return false;
    const expected = this.expected(link.peer, (s) => link.tx.get(s)?.receiver.track ?? null);
    if (!expected.length) return true;
    return (await received(link.pc, expected)) > 0;
  }

  /** The other's tracks that should carry media: its camera if on, else its microphone if
   * on (none: nothing to wait for). */
  private expected(peer: string, track: (s: Source) => MediaStreamTrack | null): MediaStreamTrack[] {
    const p = this.host.participant(peer);
    const source: Source | null = p && !p.videoMuted ? "camera" : p && !p.audioMuted ? "microphone" : null;
    const t = source ? track(source) : null;
    return t ? [t] : [];
  }

  private wentLive(link: Link, fresh: boolean): void {
    link.live = true;
    this.showing = true;
    this.host.changed();
    this.watch(link);
    if (fresh) return;
    // Back from the SFU: it keeps our media a little longer, for the other to switch too.
    this.later(HOLD_GRACE, () => {
      if (this.link === link && !link.closed) this.host.sfuSending(false);
    });
  }

  /** While live: if the other's media stops coming on the direct path (its browser gave up
   * on it, the network changed), go back to the SFU. */
  private watch(link: Link): void {
    let last = -1;
    let still = 0;
    let what = "";
    const tick = async (): Promise<void> => {
      if (link.closed || this.link !== link) return;
      const expected = this.expected(link.peer, (s) => link.tx.get(s)?.receiver.track ?? null);
      const now = await received(link.pc, expected);
      const key = expected.map((t) => t.id).join();
      if (!expected.length || key !== what || now > last) still = 0;
      else still += POLL * 4;
      what = key;
      last = now;
      if (still >= STALL) return this.failed(link, "the direct media stopped");
      this.later(POLL * 4, () => void tick());
    };
    this.later(POLL * 4, () => void tick());
  }

  private tracks(link: Link, pc: RTCPeerConnection): void {
    const local = this.host.local();
    ORDER.forEach((source, i) => {
      const t = pc.getTransceivers()[i] ?? pc.addTransceiver(source === "microphone" ? "audio" : "video", { direction: "sendrecv" });
      t.direction = "sendrecv";
      link.tx.set(source, t);
      void t.sender.replaceTrack(local[source]).catch(() => {});
    });
  }

  private async offer(link: Link): Promise<void> {
    this.tracks(link, link.pc);
    await link.pc.setLocalDescription(await link.pc.createOffer());
    if (link.closed) return;
    this.send(link, { offer: link.pc.localDescription!.sdp });
  }

  private async answer(link: Link, sdp: string): Promise<void> {
    await link.pc.setRemoteDescription({ type: "offer", sdp });
    if (link.closed) return;
    this.tracks(link, link.pc);
    await link.pc.setLocalDescription(await link.pc.createAnswer());
    if (link.closed) return;
    this.send(link, { answer: link.pc.localDescription!.sdp });
    this.flushCandidates(link);
  }

  private candidate(link: Link, c: IceCandidateView): void {
    const init: RTCIceCandidateInit = { candidate: c.candidate, sdpMid: c.sdpMid ?? null, sdpMLineIndex: c.sdpMLineIndex ?? null };
    if (!link.pc.remoteDescription) link.early.push(init);
    else void link.pc.addIceCandidate(init).catch(() => {});
  }

  private flushCandidates(link: Link): void {
    for (const c of link.early.splice(0)) void link.pc.addIceCandidate(c).catch(() => {});
  }

  private send(link: Link, part: Pick<P2pSignal, "offer" | "answer" | "candidate">): void {
    this.host.send({ type: "p2p_signal", to: link.peer, session: link.session, ...part });
  }

  // ---- switching back to the SFU ----

  /** The direct connection did not carry the other's media: the SFU does, for this pair. */
  private failed(link: Link, why: string): void {
    if (link.closed || this.link !== link) return;
    console.info("palabre: peer-to-peer: staying on the SFU:", why);
    // The SFU held the pair's media back since it formed: it forwards it again.
    this.host.send({ type: "p2p_fallback", session: link.session });
    void this.backToSfu(link);
  }

  /** Send to the SFU again now; keep showing the direct media until the SFU's flows (or
   * SWITCH_TIMEOUT), then close the direct connection. */
  private async backToSfu(link: Link): Promise<void> {
    this.host.sfuSending(true);
    if (this.showing && this.link === link) {
      const sfuTrack = (s: Source) =>
        this.host.sfuRemote().find((r) => r.participant === link.peer && r.source === s)?.media ?? null;
      const started = performance.now();
      let before = -1;
      while (!this.disposed && this.link === link && performance.now() - started < SWITCH_TIMEOUT) {
        const expected = this.expected(link.peer, sfuTrack);
        if (!expected.length) break;
        const now = await received(this.host.sfuConnection(), expected);
        if (before >= 0 && now > before) break;
        before = now;
        await new Promise((resolve) => this.later(POLL, () => resolve(null)));
      }
    }
    if (this.link !== link) return;
    this.drop(link);
  }

  private drop(link: Link): void {
    link.close();
    if (this.link === link) this.link = null;
    if (this.showing) {
      this.showing = false;
      this.host.changed();
    }
  }

  private later(ms: number, fn: () => void): void {
    const timer = window.setTimeout(() => {
      this.timers.delete(timer);
      if (!this.disposed) fn();
    }, ms);
    this.timers.add(timer);
  }
}
