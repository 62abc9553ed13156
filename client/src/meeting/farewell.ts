// The page after a meeting: why it ended, and the next steps that make sense (join again,
// a new meeting, sign in, home).

import { createRoom } from "../api";
import { navigate, roomPath } from "../app";
import { h } from "../dom";
import { exitPage } from "../exit";
import { t, tr, type Key } from "../i18n";

const KNOWN = [
  "removed",
  "denied",
  "ended",
  "replaced",
  "room_locked",
  "host_required",
  "room_full",
  "e2ee_required",
  "space_meeting_closed",
];

/** The sentence for why the server ended or refused the meeting. */
export function byeText(reason: string): string {
  return KNOWN.includes(reason) ? t(`bye.${reason}` as Key) : t("bye.other", { reason });
}

function newMeetingButton(shown: boolean): HTMLButtonElement {
  const btn = tr(h("button", { type: "button", class: "btn", id: "exit-new-meeting" }), "bye.newMeeting");
  btn.hidden = !shown;
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      navigate(roomPath((await createRoom()).room));
    } catch {
      btn.disabled = false;
    }
  });
  return btn;
}

/** Replaces the meeting with its ending page (`why`: left, removed, a refusal's code...). */
export function showFarewell(root: HTMLElement, room: string, message: string | null, signIn: boolean, why: string): void {
  const rejoin = tr(h("button", { type: "button", class: "btn primary big", id: "rejoin" }), "meeting.rejoin");
  const home = tr(h("button", { type: "button", class: "btn", id: "go-home" }), "meeting.home");
  rejoin.addEventListener("click", () => navigate(roomPath(room)));
  home.addEventListener("click", () => navigate("/"));
  const exit = exitPage(why);
  rejoin.hidden = !exit.rejoin;
  const heading = tr(h("h1", { tabindex: "-1", id: "exit-title", "data-exit": exit.kind }), exit.title);
  const login = `/auth/login?next=${encodeURIComponent(roomPath(room))}`;
  root.replaceChildren(
    h(
      "main",
      { class: "home left", id: "main" },
      h(
        "section",
        { class: "card" },
        heading,
        message ? h("p", { class: "tagline", id: "end-reason" }, message) : null,
        signIn ? tr(h("a", { href: login, id: "sign-in" }), "auth.signIn") : null,
        h("div", { class: "actions" }, rejoin, newMeetingButton(exit.newMeeting), home),
      ),
    ),
  );
  heading.focus();
}
