// The meeting's controls: the toolbar's buttons (microphone, camera, screen, view, full
// screen, shortcuts, invitation, settings, leave), the "More" menu that holds them at phone
// width, and the received-video quality in the header.

import { h, icon } from "../dom";
import { tr, type Key } from "../i18n";
import { MoreMenu } from "../more"; // phone layout: the toolbar's "More" menu
import { toggleButton } from "../prejoin";
import { settingsButton } from "../settings";

type Toggle = ReturnType<typeof toggleButton>;

/** A toolbar button with an icon, its label for screen readers and as its title. */
function iconButton(id: string, name: Parameters<typeof icon>[0], label: Key, pressable: boolean): HTMLButtonElement {
  const attrs: Record<string, string> = { type: "button", class: "toggle", id };
  if (pressable) attrs["aria-pressed"] = "false";
  const btn = h("button", attrs, icon(name));
  btn.append(tr(h("span", { class: "sr-only" }), label));
  tr(btn, label, undefined, "title");
  return btn;
}

function qualitySelect(audioOnly: boolean | undefined): HTMLSelectElement {
  const quality = h("select", { id: "video-quality" });
  for (const q of ["off", "low", "standard", "high"] as const)
    quality.append(tr(h("option", { value: q }), `quality.${q}` as Key));
  quality.value = audioOnly ? "off" : "standard";
  tr(quality, "view.quality", undefined, "title");
  return quality;
}

/** What the other modules add to the toolbar, in its order. */
export interface ToolbarParts {
  collab: HTMLButtonElement[]; // hand, reactions, chat, people
  notes: HTMLButtonElement;
  board: HTMLButtonElement; // the meeting's whiteboard (hidden until a moderator opens it)
  polls: HTMLButtonElement; // not in the toolbar: its "More" menu item clicks it
  people: HTMLButtonElement;
  reactions: HTMLButtonElement;
}

export class Controls {
  readonly mic: Toggle;
  readonly cam: Toggle;
  readonly screen: Toggle;
  readonly canShare = !!navigator.mediaDevices && "getDisplayMedia" in navigator.mediaDevices;
  readonly invite = iconButton("copy-invite", "invite", "meeting.invite", false);
  readonly leave = h("button", { type: "button", class: "toggle leave", id: "leave" }, icon("leave"));
  readonly view = iconButton("toggle-view", "speaker", "view.toggle", true);
  readonly fullscreen = iconButton("toggle-fullscreen", "fullscreen", "view.fullscreen", true);
  readonly keys = iconButton("show-shortcuts", "keyboard", "keys.open", false);
  readonly settings = settingsButton();
  readonly more = new MoreMenu(); // items: more.add(...), see client/src/more.ts
  readonly toolbar = h("div", { class: "toolbar", role: "toolbar", id: "toolbar" });
  readonly quality: HTMLSelectElement;
  /** The quality select with its label, for the header. */
  readonly qualityField: HTMLElement;

  constructor(micOn: boolean, camOn: boolean, audioOnly: boolean | undefined) {
    this.mic = toggleButton("toggle-mic", "meeting.mic", "mic", "micOff", micOn);
    this.cam = toggleButton("toggle-camera", "meeting.cam", "cam", "camOff", camOn);
    this.screen = toggleButton("toggle-screen", "meeting.screen", "screen", "screen", false);
    this.leave.append(tr(h("span", { class: "label" }), "meeting.leave"));
    const shortcut: [HTMLElement, string][] = [
      [this.mic.btn, "M"],
      [this.cam.btn, "V"],
      [this.screen.btn, "D"],
      [this.view, "T"],
      [this.fullscreen, "F"],
      [this.keys, "Shift+?"],
    ];
    for (const [btn, keys] of shortcut) btn.setAttribute("aria-keyshortcuts", keys);
    this.quality = qualitySelect(audioOnly);
    this.qualityField = h(
      "div",
      { class: "quality" },
      tr(h("label", { for: "video-quality", class: "sr-only" }), "view.quality"),
      this.quality,
    );
    tr(this.toolbar, "meeting.toolbar", undefined, "aria-label");
  }

  /** Fills the toolbar, and the "More" menu with what it holds at phone width. */
  place(parts: ToolbarParts): void {
    this.toolbar.append(
      this.mic.btn,
      this.cam.btn,
      ...(this.canShare ? [this.screen.btn] : []),
      ...parts.collab,
      this.view,
      this.fullscreen,
      this.keys,
      parts.notes,
      parts.board,
      this.invite,
      this.more.button,
      this.settings,
      this.leave,
    );
    const more = this.more;
    if (this.canShare) more.add({ id: "more-screen", button: this.screen.btn });
    more.add({ id: "more-people", button: parts.people });
    more.add({ id: "more-reactions", button: parts.reactions });
    more.add({ id: "more-notes", button: parts.notes });
    more.add({ id: "more-board", button: parts.board });
    // Polls and breakout rooms are in the menu at every width (the toolbar is full).
    more.add({ id: "more-polls", label: "poll.open", run: () => parts.polls.click() });
    more.add({ id: "more-view", button: this.view });
    more.add({ id: "more-fullscreen", button: this.fullscreen });
    more.add({ id: "more-invite", button: this.invite });
    more.add({ id: "more-shortcuts", button: this.keys });
    more.add({ id: "more-settings", button: this.settings }); // in the More menu at phone width
  }

  /** A menu item for a button that is not in the toolbar (breakout rooms, moderators
   * only). Returns its removal. */
  addMenuItem(id: string, label: Key, button: HTMLButtonElement): () => void {
    return this.more.add({ id, label, run: () => button.click() });
  }

  /** The moderation button goes before "More" (and in it at phone width). Returns its removal. */
  addModeration(button: HTMLButtonElement): () => void {
    this.toolbar.insertBefore(button, this.more.button);
    return this.more.add({ id: "more-moderation", button });
  }
}
