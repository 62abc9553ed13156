// The active speaker: the loudest unmuted participant by the audio levels the browser
// measures (ours from the microphone), held a moment after they stop, unless the SFU's
// dominant speaker (from RFC 6464 levels) is fresh.

import type { RemoteTrack, Session } from "../session";
import type { Participant } from "../types";

export interface SpeakerHost {
  session: Session;
  participants: Map<string, Participant>;
  /** The remote tracks now received. */
  remote(): RemoteTrack[];
  micOn(): boolean;
  /** Who speaks now, by participant id (null: nobody). */
  show(who: string | null): void;
}

/** Audio levels by participant ("local" for us), from the connections' statistics. */
async function audioLevels(session: Session, remote: RemoteTrack[], micOn: boolean): Promise<Map<string, number>> {
  const levels = new Map<string, number>();
  const byTrack = new Map(remote.filter((r) => r.kind === "audio").map((r) => [r.media.id, r.participant]));
  const sub = session.sub;
  if (sub) {
    (await sub.getStats()).forEach((r: Record<string, unknown>) => {
      if (r.type === "inbound-rtp" && r.kind === "audio") {
        const pid = byTrack.get(String(r.trackIdentifier));
        if (pid && typeof r.audioLevel === "number") levels.set(pid, r.audioLevel);
      }
    });
  }
  const pub = session.pub;
  if (pub && micOn) {
    (await pub.getStats()).forEach((r: Record<string, unknown>) => {
      if (r.type === "media-source" && r.kind === "audio" && typeof r.audioLevel === "number")
        levels.set("local", r.audioLevel);
    });
  }
  return levels;
}

export class ActiveSpeaker {
  private speaker: string | null = null;
  private speakerUntil = 0;
  private serverSpeaker: string | null = null;
  private serverSpeakerAt = -1e9;
  private poll: number;

  constructor(private host: SpeakerHost) {
    this.poll = window.setInterval(() => void this.measure(), 300);
  }

  /** The SFU's `dominant_speaker`. */
  serverSaid(participant: string | null): void {
    this.serverSpeaker = participant;
    this.serverSpeakerAt = performance.now();
  }

  private loudest(levels: Map<string, number>): string | null {
    let loudest: string | null = null;
    let max = 0.02;
    for (const [pid, lv] of levels) {
      if (this.host.participants.get(pid)?.audioMuted) continue;
      if (lv > max) (max = lv), (loudest = pid);
    }
    return loudest;
  }

  private async measure(): Promise<void> {
    const { session } = this.host;
    let levels: Map<string, number>;
    try {
      levels = await audioLevels(session, this.host.remote(), this.host.micOn());
    } catch {
      return;
    }
    const loudest = this.loudest(levels);
    const now = performance.now();
    if (loudest) {
      this.speaker = loudest;
      this.speakerUntil = now + 1200;
    } else if (now > this.speakerUntil) this.speaker = null;
    // The SFU's dominant speaker wins while it is fresh.
    let who = this.speaker === "local" ? (session.you?.id ?? null) : this.speaker;
    if (now - this.serverSpeakerAt < 5000 && this.serverSpeaker) who = this.serverSpeaker;
    if (who === session.you?.id && !this.host.micOn()) who = null;
    this.host.show(who);
  }

  dispose(): void {
    window.clearInterval(this.poll);
  }
}
