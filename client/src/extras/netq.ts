// A connection-quality indicator on each tile, from RTCPeerConnection.getStats(): bitrate,
// packet loss, round-trip time, resolution and codec, so a user can tell a bad network from a
// bad server. Remote tiles read the subscribe connection, our own tiles the publish one.

import { h } from "../dom";
import { formatNumber, formatPercent } from "../format";
import { onLangChange } from "../i18n";
import type { Session } from "../session";
import { svgIcon } from "./icons";
import { xt, xtr, type XKey } from "./text";

export type Level = "good" | "fair" | "poor" | "unknown";

export interface TileStats {
  /** kbit/s over the last interval, sent (own tiles) or received. */
  kbps: number | null;
  /** percent */
  loss: number | null;
  /** milliseconds */
  rtt: number | null;
  width: number | null;
  height: number | null;
  fps: number | null;
  codecs: string[];
  sent: boolean;
}

type Counters = { bytes: number; lost: number; recv: number; at: number };
type Acc = TileStats & { bytes: number; lost: number; recv: number; fractions: number[] };

const EVERY = 2000;

export function levelOf(s: TileStats | undefined): Level {
  if (!s || (s.rtt === null && s.kbps === null)) return "unknown";
  const loss = s.loss ?? 0;
  const rtt = s.rtt ?? 0;
  if (loss > 8 || rtt > 400) return "poor";
  if (loss > 2 || rtt > 150) return "fair";
  return "good";
}

function pairRtt(report: RTCStatsReport): number | null {
  let pairId: string | undefined;
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === "transport" && typeof s.selectedCandidatePairId === "string")
      pairId = s.selectedCandidatePairId;
  });
  let rtt: number | null = null;
  report.forEach((s: Record<string, unknown>) => {
    if (s.type !== "candidate-pair" || typeof s.currentRoundTripTime !== "number") return;
    if (pairId ? s.id === pairId : s.nominated && s.state === "succeeded")
      rtt = Math.round(s.currentRoundTripTime * 1000);
  });
  return rtt;
}

function codecsOf(report: RTCStatsReport): Map<string, string> {
  const out = new Map<string, string>();
  report.forEach((s: Record<string, unknown>) => {
    if (s.type === "codec" && typeof s.mimeType === "string")
      out.set(String(s.id), s.mimeType.replace(/^(audio|video)\//, ""));
  });
  return out;
}

function blank(sent: boolean): Acc {
  return {
    kbps: null, loss: null, rtt: null, width: null, height: null, fps: null, codecs: [], sent,
    bytes: 0, lost: 0, recv: 0, fractions: [],
  };
}

export class NetQuality {
  private timer = 0;
  private prev = new Map<string, Counters>();
  private stats = new Map<string, TileStats>();
  private pop: HTMLDivElement;
  private popList: HTMLDListElement;
  private openFor: HTMLButtonElement | null = null;
  private busy = false;
  private offLang: () => void;

  constructor(
    private session: Session,
    private grid: HTMLElement,
  ) {
    const title = xtr(h("h2", { id: "netq-title" }), "netq.title");
    this.popList = h("dl", {});
    this.pop = h(
      "div",
      { class: "netq-pop", id: "netq-pop", role: "dialog", "aria-labelledby": "netq-title" },
      title,
      this.popList,
    );
    this.pop.hidden = true;
    this.pop.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.close(true);
    });
    document.addEventListener("pointerdown", this.onOutside, true);
    // The level word is part of each label: relabel everything in the new language.
    this.offLang = onLangChange(() => {
      for (const b of this.grid.querySelectorAll<HTMLElement>(".netq")) b.dataset.level = "";
      this.paint();
    });
    this.timer = window.setInterval(() => void this.poll(), EVERY);
    void this.poll();
  }

  dispose(): void {
    window.clearInterval(this.timer);
    this.offLang();
    document.removeEventListener("pointerdown", this.onOutside, true);
    this.pop.remove();
  }

  private onOutside = (e: Event) => {
    const t = e.target as Node | null;
    if (!this.openFor || !t) return;
    if (this.pop.contains(t) || this.openFor.contains(t)) return;
    this.close(false);
  };

  private keyOf(tile: HTMLElement): string {
    const who = tile.dataset.local === "true" ? "local" : tile.dataset.participant;
    return `${who}:${tile.dataset.source}`;
  }

  async poll(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      if (!document.hidden) await this.measure();
    } catch (e) {
      console.warn("stats:", e);
    } finally {
      this.busy = false;
    }
    this.paint();
  }

  private async measure(): Promise<void> {
    const { sub, pub } = this.session;
    const acc = new Map<string, Acc>();
    const now = performance.now();
    const get = (key: string, sent: boolean) => {
      let a = acc.get(key);
      if (!a) acc.set(key, (a = blank(sent)));
      return a;
    };
    if (sub) this.received(await sub.getStats(), get);
    if (pub) this.sent(await pub.getStats(), get);
    this.stats = this.rates(acc, now);
  }

  /** What arrives on the subscribe connection, by remote tile. */
  private received(report: RTCStatsReport, get: (key: string, sent: boolean) => Acc): void {
    const rtt = pairRtt(report);
    const codecs = codecsOf(report);
    const byTrack = new Map(this.session.remote.map((r) => [r.media.id, r]));
    const newest = new Map<string, number>();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type !== "inbound-rtp") return;
      const r = byTrack.get(String(s.trackIdentifier));
      if (!r) return;
      const key = `${r.participant}:${r.source === "screen" ? "screen" : "camera"}`;
      const a = get(key, false);
      a.rtt = rtt;
      a.bytes += Number(s.bytesReceived ?? 0);
      a.lost += Math.max(0, Number(s.packetsLost ?? 0));
      a.recv += Number(s.packetsReceived ?? 0);
      const codec = codecs.get(String(s.codecId));
      if (codec && !a.codecs.includes(codec)) a.codecs.push(codec);
      if (r.kind === "video" && typeof s.frameWidth === "number") {
        // A reused m-section keeps its old streams' stats: the freshest one tells.
        const last = Number(s.lastPacketReceivedTimestamp ?? 0);
        if (last >= (newest.get(key) ?? -1)) {
          newest.set(key, last);
          a.width = s.frameWidth;
          a.height = Number(s.frameHeight ?? 0);
          a.fps = typeof s.framesPerSecond === "number" ? Math.round(s.framesPerSecond) : null;
        }
      }
    });
  }

  /** Media sources of the publish connection's report, by stats id: camera or screen. */
  private mediaSources(report: RTCStatsReport): Map<string, string> {
    const local = this.session.local;
    const sourceOf = new Map<string, string>();
    if (local.mic) sourceOf.set(local.mic.id, "camera");
    if (local.cam) sourceOf.set(local.cam.id, "camera");
    if (local.screen) sourceOf.set(local.screen.id, "screen");
    const mediaSource = new Map<string, string>();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type === "media-source") {
        const src = sourceOf.get(String(s.trackIdentifier));
        if (src) mediaSource.set(String(s.id), src);
      }
    });
    return mediaSource;
  }

  /** What we send on the publish connection, by our tile, with the loss the far end says. */
  private sent(report: RTCStatsReport, get: (key: string, sent: boolean) => Acc): void {
    const rtt = pairRtt(report);
    const codecs = codecsOf(report);
    const mediaSource = this.mediaSources(report);
    const outbound = new Map<string, string>();
    report.forEach((s: Record<string, unknown>) => {
      if (s.type !== "outbound-rtp") return;
      const src = mediaSource.get(String(s.mediaSourceId));
      if (!src) return;
      if (s.active === false) return;
      outbound.set(String(s.id), src);
      const a = get(`local:${src}`, true);
      a.rtt = rtt;
      a.bytes += Number(s.bytesSent ?? 0);
      const codec = codecs.get(String(s.codecId));
      if (codec && !a.codecs.includes(codec)) a.codecs.push(codec);
      if (s.kind === "video" && typeof s.frameWidth === "number" && s.frameWidth > (a.width ?? 0)) {
        a.width = s.frameWidth;
        a.height = Number(s.frameHeight ?? 0);
        a.fps = typeof s.framesPerSecond === "number" ? Math.round(s.framesPerSecond) : null;
      }
    });
    report.forEach((s: Record<string, unknown>) => {
      if (s.type !== "remote-inbound-rtp") return;
      const src = outbound.get(String(s.localId));
      if (!src) return;
      const a = get(`local:${src}`, true);
      if (typeof s.fractionLost === "number") a.fractions.push(s.fractionLost * 100);
    });
  }

  /** Bit rates and loss since the previous measure; remembers this one for the next. */
  private rates(acc: Map<string, Acc>, now: number): Map<string, TileStats> {
    const next = new Map<string, TileStats>();
    for (const [key, a] of acc) {
      const before = this.prev.get(key);
      if (before && now > before.at) {
        const dt = now - before.at;
        a.kbps = Math.max(0, Math.round(((a.bytes - before.bytes) * 8) / dt));
        if (!a.sent) {
          const lost = Math.max(0, a.lost - before.lost);
          const got = Math.max(0, a.recv - before.recv);
          a.loss = lost + got > 0 ? (100 * lost) / (lost + got) : 0;
        }
      }
      if (a.sent) a.loss = a.fractions.length ? Math.max(...a.fractions) : null;
      this.prev.set(key, { bytes: a.bytes, lost: a.lost, recv: a.recv, at: now });
      const { bytes: _b, lost: _l, recv: _r, fractions: _f, ...stats } = a;
      next.set(key, stats);
    }
    for (const key of this.prev.keys()) if (!acc.has(key)) this.prev.delete(key);
    return next;
  }

  /** Puts an indicator on every tile and refreshes the open popover. */
  paint(): void {
    for (const tile of this.grid.querySelectorAll<HTMLElement>("li.tile")) {
      const key = this.keyOf(tile);
      let btn = tile.querySelector<HTMLButtonElement>(":scope > .netq");
      if (!btn) btn = this.makeButton(tile);
      const level = levelOf(this.stats.get(key));
      if (btn.dataset.level !== level) {
        btn.dataset.level = level;
        xtr(btn, "netq.button", { level: xt(`netq.${level}` as XKey) }, "aria-label");
        xtr(btn, "netq.button", { level: xt(`netq.${level}` as XKey) }, "title");
      }
    }
    if (this.openFor) {
      if (!this.openFor.isConnected) this.close(false);
      else this.fill(this.openFor);
    }
  }

  private makeButton(tile: HTMLElement): HTMLButtonElement {
    const btn = h("button", {
      type: "button",
      class: "netq",
      "aria-expanded": "false",
      "aria-controls": "netq-pop",
      "data-level": "",
    });
    btn.append(svgIcon("bars"));
    // In the page from the first indicator on, so aria-controls always points at it.
    const host = this.grid.closest(".meeting") ?? document.body;
    if (this.pop.parentElement !== host) host.append(this.pop);
    btn.addEventListener("click", (e) => {
      e.stopPropagation();
      if (this.openFor === btn) this.close(true);
      else this.open(btn);
    });
    btn.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && this.openFor === btn) this.close(true);
    });
    tile.append(btn);
    return btn;
  }

  private open(btn: HTMLButtonElement): void {
    if (this.openFor) this.openFor.setAttribute("aria-expanded", "false");
    this.openFor = btn;
    btn.setAttribute("aria-expanded", "true");
    this.fill(btn);
    this.pop.hidden = false;
    this.place(btn);
  }

  private close(refocus: boolean): void {
    const btn = this.openFor;
    this.openFor = null;
    this.pop.hidden = true;
    if (btn) {
      btn.setAttribute("aria-expanded", "false");
      if (refocus) btn.focus();
    }
  }

  private place(btn: HTMLElement): void {
    const r = btn.getBoundingClientRect();
    const w = this.pop.offsetWidth;
    const ph = this.pop.offsetHeight;
    const left = Math.max(4, Math.min(window.innerWidth - w - 4, r.right - w));
    const top = r.top - ph - 6 >= 4 ? r.top - ph - 6 : Math.min(window.innerHeight - ph - 4, r.bottom + 6);
    this.pop.style.setProperty("left", `${Math.round(left)}px`);
    this.pop.style.setProperty("top", `${Math.round(Math.max(4, top))}px`);
  }

  private fill(btn: HTMLButtonElement): void {
    const tile = btn.closest<HTMLElement>("li.tile");
    const s = tile ? this.stats.get(this.keyOf(tile)) : undefined;
    const none = xt("netq.none");
    const rows: [XKey, string, string][] = [
      [
        "netq.bitrate",
        "bitrate",
        s?.kbps != null ? `${formatNumber(s.kbps)} kbit/s ${xt(s.sent ? "netq.sent" : "netq.received")}` : none,
      ],
      ["netq.loss", "loss", s?.loss != null ? formatPercent(s.loss) : none],
      ["netq.rtt", "rtt", s?.rtt != null ? `${formatNumber(s.rtt)} ms` : none],
      [
        "netq.resolution",
        "resolution",
        s?.width ? `${s.width}×${s.height}${s.fps ? ` @ ${s.fps} fps` : ""}` : none,
      ],
      ["netq.codec", "codec", s?.codecs.length ? s.codecs.join(", ") : none],
    ];
    this.popList.replaceChildren(
      ...rows.flatMap(([key, name, value]) => [
        h("dt", {}, xt(key)),
        h("dd", { "data-stat": name }, value),
      ]),
    );
    this.pop.dataset.level = levelOf(s);
  }
}
