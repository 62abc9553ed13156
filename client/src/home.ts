// Home: start a new meeting, or join one by name, link or numeric code.

import { ApiError, createRoom, getRoom, roomForCode } from "./api";
import { focusHeading, navigate, roomFromPath, roomPath, topbar, type Dispose } from "./app";
import { h, icon } from "./dom";
import { tr, type Key } from "./i18n";

/** What the person typed: a 9-digit code, a link, or a name. */
export function parseTarget(raw: string): { code: string } | { name: string } | null {
  const s = raw.trim();
  if (!s) return null;
  const digits = s.replace(/[\s.-]/g, "");
  if (/^\d{9}$/.test(digits)) return { code: digits };
  if (/^https?:\/\//i.test(s) || s.startsWith("/")) {
    try {
      const u = new URL(s, location.origin);
      const room = roomFromPath(u.pathname);
      if (room) return { name: room };
    } catch {
      /* not a URL: take it as a name */
    }
  }
  return { name: s };
}

/** "New meeting": a fresh room, then its prejoin page. */
function newMeetingButton(fail: (key: Key) => void): HTMLButtonElement {
  const newBtn = h("button", { type: "button", class: "btn primary big", id: "new-meeting" });
  newBtn.append(tr(h("span"), "home.new"));
  newBtn.addEventListener("click", async () => {
    newBtn.disabled = true;
    try {
      const r = await createRoom();
      navigate(roomPath(r.room));
    } catch {
      fail("home.errNetwork");
      newBtn.disabled = false;
    }
  });
  newBtn.setAttribute("aria-describedby", "new-hint");
  newBtn.prepend(icon("cam"));
  return newBtn;
}

/** "Join": a meeting's name, link or numeric code. */
function joinForm(error: HTMLElement, fail: (key: Key) => void): HTMLFormElement {
  const input = h("input", {
    id: "join-target",
    name: "target",
    type: "text",
    autocomplete: "off",
    autocapitalize: "off",
    spellcheck: "false",
    "aria-describedby": "join-error",
    required: true,
  });
  tr(input, "home.joinPlaceholder", undefined, "placeholder");
  const joinBtn = tr(h("button", { type: "submit", class: "btn", id: "join-button" }), "home.join");
  const form = h(
    "form",
    { class: "join-form", novalidate: true },
    tr(h("label", { for: "join-target" }), "home.joinLabel"),
    h("div", { class: "row" }, input, joinBtn),
    error,
  );
  form.addEventListener("submit", async (e) => {
    e.preventDefault();
    error.textContent = "";
    const target = parseTarget(input.value);
    if (!target) {
      fail("home.errEmpty");
      input.focus();
      return;
    }
    joinBtn.disabled = true;
    try {
      const room =
        "code" in target ? (await roomForCode(target.code)).room : (await getRoom(target.name)).room;
      navigate(roomPath(room));
    } catch (err) {
      const status = err instanceof ApiError ? err.status : 0;
      fail(status === 404 ? "home.errCode" : status === 400 ? "home.errName" : "home.errNetwork");
      joinBtn.disabled = false;
      input.focus();
    }
  });
  return form;
}

export function renderHome(root: HTMLElement): Dispose {
  const error = h("p", { class: "error", id: "join-error", role: "alert" });
  const fail = (key: Key) => tr(error, key);
  const main = h(
    "main",
    { class: "home", id: "main" },
    h(
      "section",
      { class: "card" },
      tr(h("h1", { tabindex: "-1" }), "home.title"),
      tr(h("p", { class: "tagline" }), "app.tagline"),
      h(
        "div",
        { class: "new" },
        newMeetingButton(fail),
        tr(h("p", { class: "hint", id: "new-hint" }), "home.newHint"),
      ),
      h("hr", { "aria-hidden": "true" }),
      joinForm(error, fail),
    ),
  );
  root.append(topbar(), main);
  focusHeading(root);
  return () => {};
}
