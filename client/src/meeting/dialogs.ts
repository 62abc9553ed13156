// The meeting's modal dialogs (room password, keyboard shortcuts, invitation text) and the
// bar that carries a moderator's request to unmute.

import { h } from "../dom";
import { tr, type Key } from "../i18n";

/** Shows a modal dialog in the meeting; `back` gets the focus when it closes. */
function modal(view: HTMLElement, dlg: HTMLDialogElement, close: HTMLButtonElement, back: HTMLElement): void {
  close.addEventListener("click", () => dlg.close());
  dlg.addEventListener("close", () => {
    dlg.remove();
    back.focus();
  });
  view.append(dlg);
  dlg.showModal();
}

/** The keyboard shortcuts (client/src/meeting/keyboard.ts), as the help dialog lists them. */
export const SHORTCUTS: [string, Key][] = [
  ["M", "keys.m"],
  ["V", "keys.v"],
  ["D", "keys.d"],
  ["R", "keys.r"],
  ["C", "keys.c"],
  ["T", "keys.t"],
  ["F", "keys.f"],
  ["Space", "keys.space"],
  ["?", "keys.help"],
];

export function showShortcuts(view: HTMLElement, back: HTMLElement): void {
  const close = tr(h("button", { type: "button", class: "btn", id: "shortcuts-close" }), "meeting.close");
  const list = h(
    "dl",
    { class: "shortcuts" },
    ...SHORTCUTS.flatMap(([k, key]) => [
      h("dt", {}, k === "Space" ? tr(h("kbd"), "keys.spaceKey") : h("kbd", {}, k)),
      tr(h("dd"), key),
    ]),
  );
  const dlg = h(
    "dialog",
    { class: "invite", id: "shortcuts-dialog", "aria-labelledby": "shortcuts-title" },
    tr(h("h2", { id: "shortcuts-title" }), "keys.title"),
    list,
    close,
  );
  modal(view, dlg, close, back);
  close.focus();
}

/** The invitation as text to copy by hand, where the clipboard refused it. */
export function showInvite(view: HTMLElement, text: string, back: HTMLElement): void {
  const area = h("textarea", { readonly: true, rows: "4", id: "invite-text", "aria-labelledby": "invite-title" });
  area.value = text;
  const close = tr(h("button", { type: "button", class: "btn" }), "meeting.close");
  const dlg = h(
    "dialog",
    { class: "invite", "aria-labelledby": "invite-title" },
    tr(h("h2", { id: "invite-title" }), "meeting.inviteTitle"),
    area,
    close,
  );
  modal(view, dlg, close, back);
  area.select();
}

/** Asks the room's password (`reason`: password_required, wrong_password, rate_limited). */
export function askPassword(
  view: HTMLElement,
  reason: string,
  answer: { join(password: string): void; cancel(): void },
): void {
  const input = h("input", { type: "password", id: "room-password", autocomplete: "off", required: true });
  const msg = h("p", { class: "error", id: "password-error", role: "alert" });
  if (reason === "wrong_password") tr(msg, "meeting.passwordWrong");
  if (reason === "rate_limited") tr(msg, "meeting.passwordRate");
  input.setAttribute("aria-describedby", "password-error");
  const ok = tr(h("button", { type: "submit", class: "btn primary", id: "password-join" }), "meeting.passwordJoin");
  const cancel = tr(h("button", { type: "button", class: "btn", id: "password-cancel" }), "meeting.cancel");
  const form = h(
    "form",
    { method: "dialog" },
    tr(h("h2", { id: "password-title" }), "meeting.passwordTitle"),
    h("div", { class: "field" }, tr(h("label", { for: "room-password" }), "meeting.passwordLabel"), input),
    msg,
    h("div", { class: "actions" }, ok, cancel),
  );
  const dlg = h("dialog", { class: "invite", id: "password-dialog", "aria-labelledby": "password-title" }, form);
  const done = () => {
    dlg.close();
    dlg.remove();
  };
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    if (!input.value) return input.focus();
    done();
    answer.join(input.value);
  });
  cancel.addEventListener("click", () => {
    done();
    answer.cancel();
  });
  view.append(dlg);
  dlg.showModal();
  input.focus();
}

/** A moderator asks us to turn on our microphone or camera; the bar replaces an older one. */
export class UnmuteRequest {
  private bar: HTMLElement | null = null;

  constructor(private view: HTMLElement) {}

  show(kind: string, name: string, accept: () => void): void {
    this.bar?.remove();
    const yes = tr(h("button", { type: "button", class: "btn small primary", id: "accept-unmute" }), "mod.accept");
    const no = tr(h("button", { type: "button", class: "btn small", id: "dismiss-unmute" }), "mod.dismiss");
    const bar = h(
      "div",
      { class: "request", role: "alert", id: "unmute-request" },
      tr(h("span"), kind === "video" ? "mod.askVideo" : "mod.askAudio", { name }),
      yes,
      no,
    );
    yes.addEventListener("click", () => {
      bar.remove();
      accept();
    });
    no.addEventListener("click", () => bar.remove());
    this.bar = bar;
    this.view.append(bar);
  }
}
