// The remote audio: one <audio> element per received track, on the chosen speaker, and the
// "play sound" button for a browser that refused to autoplay it.

import { h } from "../dom";
import { tr } from "../i18n";
import { setSpeaker } from "../media";
import type { RemoteTrack } from "../session";

export class RemoteAudio {
  readonly box = h("div", { class: "audio-sink" });
  /** Shown when the browser refused to play: a click is a gesture that allows it. */
  readonly unlock = tr(h("button", { type: "button", class: "btn unlock", id: "enable-sound" }), "meeting.playAudio");
  private els = new Map<string, HTMLAudioElement>();

  constructor(private speaker: () => string | undefined) {
    this.unlock.hidden = true;
    this.unlock.addEventListener("click", () => {
      for (const el of this.els.values()) void el.play().catch(() => {});
      this.unlock.hidden = true;
    });
  }

  /** Plays the audio tracks of the list, and stops those no longer in it. */
  apply(list: RemoteTrack[]): void {
    const seen = new Set<string>();
    for (const r of list) {
      if (r.kind !== "audio") continue;
      seen.add(r.media.id);
      let el = this.els.get(r.media.id);
      if (!el) {
        el = h("audio", { autoplay: true });
        this.els.set(r.media.id, el);
        this.box.append(el);
        void setSpeaker(el, this.speaker());
      }
      el.dataset.participant = r.participant;
      if ((el.srcObject as MediaStream | null)?.getAudioTracks()[0] !== r.media) {
        el.srcObject = new MediaStream([r.media]);
      }
      el.play().catch(() => (this.unlock.hidden = false));
    }
    for (const [id, el] of this.els) {
      if (!seen.has(id)) {
        el.srcObject = null;
        el.remove();
        this.els.delete(id);
      }
    }
  }

  async setSpeaker(id: string): Promise<void> {
    for (const el of this.els.values()) await setSpeaker(el, id);
  }

  dispose(): void {
    for (const el of this.els.values()) el.srcObject = null;
  }
}
