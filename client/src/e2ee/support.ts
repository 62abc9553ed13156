// End-to-end encryption, the light part loaded with the meeting: can this browser transform
// encoded frames, the peer-connection option that needs, and a registry of the senders and
// receivers so that encryption (client/src/e2ee/index.ts, loaded only when a meeting is
// encrypted) can attach to them at any time.

type EncodedStreams = { readable: ReadableStream; writable: WritableStream };
type WithStreams = { createEncodedStreams?: () => EncodedStreams };

/** Chromium's encoded streams, where the browser has them: the peer connection is created with
 * `encodedInsertableStreams: true` and the streams are taken from each sender and receiver when
 * it is made (pumped through unchanged until encryption starts). Chromium ignores an
 * RTCRtpScriptTransform set on a sender or receiver whose frames already flow, so a meeting
 * that becomes encrypted later could not be encrypted with it. */
export const encodedStreams =
  typeof RTCRtpSender !== "undefined" &&
  "createEncodedStreams" in RTCRtpSender.prototype &&
  !(window as unknown as { __palabreE2eeTest?: { scriptTransform?: boolean } }).__palabreE2eeTest?.scriptTransform;
/** Else RTCRtpScriptTransform, the standard (Firefox, Safari). */
export const scriptTransform = !encodedStreams && typeof window !== "undefined" && "RTCRtpScriptTransform" in window;
/** This browser can encrypt media end to end: said at join (`"e2ee": true`). */
export const canEncrypt =
  (scriptTransform || encodedStreams) &&
  typeof Worker !== "undefined" &&
  !!globalThis.crypto?.subtle &&
  !(window as unknown as { __palabreE2eeTest?: { incapable?: boolean } }).__palabreE2eeTest?.incapable;

/** The configuration of both peer connections, with the encoded-streams flag when needed. */
export function pcConfig(base: RTCConfiguration): RTCConfiguration {
  return encodedStreams && canEncrypt ? ({ ...base, encodedInsertableStreams: true } as RTCConfiguration) : base;
}

export type Side = "send" | "recv";
export interface Endpoint {
  side: Side;
  kind: string;
  /** The subscribe transceiver's mid (receivers), which says whose media it carries. */
  mid: string;
  sender?: RTCRtpSender;
  receiver?: RTCRtpReceiver;
  /** Encoded streams (Chromium fallback), pumped through unchanged until encryption starts. */
  streams?: EncodedStreams;
  pump?: { stop: AbortController; done: Promise<void> };
  attached?: boolean;
}

/** What encryption does with each sender and receiver (set by the lazy E2EE module). */
export type Attach = (e: Endpoint) => void;

/** The senders and receivers of one session, and the transform attached to them. */
export class FrameHooks {
  endpoints: Endpoint[] = [];
  private attach: Attach | null = null;
  private hold = false;
  private waiters: (() => void)[] = [];

  /** The meeting is encrypted and encryption is still loading: send and show no frame. */
  get holding(): boolean {
    return this.hold;
  }
  set holding(on: boolean) {
    this.hold = on;
    if (!on) this.release();
  }

  /** Resolves when media may be negotiated: encryption is attached, or not awaited. (An
   * RTCRtpScriptTransform must be in place before frames flow: Chromium ignores it later.) */
  ready(): Promise<void> {
    if (!this.hold || this.attach) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private release(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  /** Before each publish offer: the senders not seen before. */
  senders(pc: RTCPeerConnection): void {
    for (const t of pc.getTransceivers()) {
      if (this.endpoints.some((e) => e.sender === t.sender)) continue;
      this.add({ side: "send", kind: t.receiver.track.kind, mid: "", sender: t.sender });
    }
  }

  /** After each subscribe offer: the receivers not seen before. */
  receivers(pc: RTCPeerConnection): void {
    for (const t of pc.getTransceivers()) {
      if (this.endpoints.some((e) => e.receiver === t.receiver)) continue;
      this.add({ side: "recv", kind: t.receiver.track.kind, mid: String(t.mid), receiver: t.receiver });
    }
  }

  private add(e: Endpoint): void {
    if (!canEncrypt) return;
    this.endpoints.push(e);
    if (encodedStreams) {
      try {
        const s = (e.sender ?? e.receiver) as unknown as WithStreams;
        e.streams = s.createEncodedStreams!();
      } catch (err) {
        console.warn("palabre: encoded streams:", err);
        return;
      }
      if (!this.attach) {
        const stop = new AbortController();
        const opts = { signal: stop.signal, preventAbort: true, preventCancel: true, preventClose: true };
        const gate = new TransformStream({
          transform: (frame, out) => {
            if (!this.holding) out.enqueue(frame);
          },
        });
        const done = Promise.allSettled([
          e.streams.readable.pipeTo(gate.writable, opts),
          gate.readable.pipeTo(e.streams.writable, opts),
        ]).then(() => {});
        e.pump = { stop, done };
      }
    }
    if (this.attach) this.attach(e);
  }

  /** Encryption starts: attach to every endpoint now and to those that come later. */
  setAttach(fn: Attach | null): void {
    this.attach = fn;
    if (fn) for (const e of this.endpoints) fn(e);
    if (fn) this.release();
  }

  /** The connections are closed (a reconnection makes new ones). */
  reset(): void {
    this.endpoints = [];
  }
}
