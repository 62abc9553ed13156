// Recording, as every participant sees it (docs/recording.md): an indicator in the header
// while the meeting is recorded, and a consent notice when a recording starts (or is under
// way on joining), saying what is recorded and how not to be: mute, or leave.

import { h } from "../dom";
import { tr } from "../i18n";

export class RecordingNotice {
  /** In the header: "Recording", with a red dot, while it lasts. */
  readonly badge: HTMLElement;
  private notice: HTMLElement | null = null;
  private on = false;

  constructor(
    private view: HTMLElement,
    private leave: () => void,
    private toast: (key: "meeting.recordingStopped") => void,
  ) {
    this.badge = tr(h("span", { class: "recording", id: "recording-indicator", role: "status" }), "meeting.recording");
    this.badge.hidden = true;
  }

  /** What the settings say; a start is told once, with the notice. */
  set(recording: boolean): void {
    if (recording === this.on) return;
    this.on = recording;
    this.badge.hidden = !recording;
    this.view.dataset.recording = String(recording);
    if (recording) this.show();
    else {
      this.notice?.remove();
      this.notice = null;
      this.toast("meeting.recordingStopped");
    }
  }

  private show(): void {
    this.notice?.remove();
    const titleId = "recording-notice-title";
    const ok = tr(h("button", { type: "button", class: "btn small primary", id: "recording-ok" }), "meeting.recordingOk");
    const leave = tr(h("button", { type: "button", class: "btn small", id: "recording-leave" }), "meeting.recordingLeave");
    const notice = h(
      "section",
      { class: "request recording-notice", role: "alert", id: "recording-notice", "aria-labelledby": titleId },
      tr(h("h2", { id: titleId }), "meeting.recordingTitle"),
      tr(h("p", {}), "meeting.recordingBody"),
      h("div", { class: "actions" }, ok, leave),
    );
    ok.addEventListener("click", () => {
      notice.remove();
      this.notice = null;
    });
    leave.addEventListener("click", () => this.leave());
    this.notice = notice;
    this.view.append(notice);
  }
}
