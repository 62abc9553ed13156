// Shared page plumbing: navigation, mounting, the top bar, the tab's active meeting.

import { me } from "./api";
import { h } from "./dom";
import { getLang, setLang, tr, type Lang } from "./i18n";
import type { JoinOptions } from "./types";

export type Dispose = () => void;

let dispose: Dispose | null = null;
let router: () => void = () => {};

export function setRouter(fn: () => void): void {
  router = fn;
  window.addEventListener("popstate", () => router());
}

let navigated = false;
export function navigate(path: string, replace = false): void {
  navigated = true;
  if (replace) history.replaceState(null, "", path);
  else history.pushState(null, "", path);
  router();
}

/** The room named by the path, or null on the home page. */
export function roomFromPath(pathname = location.pathname): string | null {
  const seg = pathname.replace(/^\/+/, "").split("/")[0] ?? "";
  if (!seg) return null;
  try {
    return decodeURIComponent(seg);
  } catch {
    return seg;
  }
}

export function roomPath(room: string): string {
  return "/" + encodeURIComponent(room);
}

/** A meeting this tab is in: a reload goes straight back into it. */
const ACTIVE = "palabre.active";
export function rememberActive(a: JoinOptions | null): void {
  try {
    if (a) sessionStorage.setItem(ACTIVE, JSON.stringify(a));
    else sessionStorage.removeItem(ACTIVE);
  } catch {
    /* storage may be disabled */
  }
}
export function activeFor(room: string): JoinOptions | null {
  try {
    const a = JSON.parse(sessionStorage.getItem(ACTIVE) ?? "null") as JoinOptions | null;
    return a && a.room === room ? a : null;
  } catch {
    return null;
  }
}

export function mount(root: HTMLElement, next: (root: HTMLElement) => Dispose): void {
  dispose?.();
  dispose = null;
  root.replaceChildren();
  dispose = next(root);
}

/** The workspace's pages: /spaces/... and /invite/<token> (client/src/workspace/). */
export function isWorkspacePath(pathname: string): boolean {
  return /^\/(spaces|invite)(\/|$)/.test(pathname) || /^\/(s\/pls|t\/plt|v\/plv)_[\w-]+$/.test(pathname);
}

let workspaceShown = false;
/** The workspace, loaded on its first page only; a later workspace address just follows. */
export async function enterWorkspace(root: HTMLElement): Promise<void> {
  const ws = await import("./workspace");
  if (!isWorkspacePath(location.pathname)) return; // the person went elsewhere meanwhile
  if (workspaceShown) {
    ws.followAddress();
    return;
  }
  mount(root, (r) => {
    workspaceShown = true;
    const stop = ws.mountWorkspace(r, (path) => navigate(path));
    return () => {
      workspaceShown = false;
      stop();
    };
  });
}

export async function enterMeeting(root: HTMLElement, opts: JoinOptions): Promise<void> {
  const { startMeeting } = await import("./meeting");
  mount(root, (r) => startMeeting(r, opts));
}

/** The language switch shown on every page. */
export function langSwitch(): HTMLElement {
  const id = "lang-select";
  const sel = h(
    "select",
    { id, class: "lang-select" },
    h("option", { value: "en", lang: "en" }, "English"),
    h("option", { value: "fr", lang: "fr" }, "Français"),
  );
  sel.value = getLang();
  sel.addEventListener("change", () => setLang(sel.value as Lang));
  const label = tr(h("label", { for: id, class: "sr-only" }), "lang.label");
  return h("div", { class: "lang" }, label, sel);
}

export function topbar(...extra: Node[]): HTMLElement {
  const brand = h("a", { href: "/", class: "brand" }, "Palabre");
  brand.addEventListener("click", (e) => {
    e.preventDefault();
    navigate("/");
  });
  return h("header", { class: "topbar" }, brand, ...extra, account(), langSwitch());
}

/** Sign in / signed in as, where the server has accounts that matter. */
export function account(): HTMLElement {
  const box = h("div", { class: "account" });
  void me().then((m) => {
    if (!m || !(m.signedIn || m.secureDomain || m.oidc)) return;
    const next = encodeURIComponent(location.pathname);
    if (m.signedIn) {
      const spaces = tr(h("a", { href: "/spaces", id: "spaces-link" }), "auth.spaces");
      spaces.addEventListener("click", (e) => {
        e.preventDefault();
        navigate("/spaces");
      });
      box.append(
        spaces,
        tr(h("span", { class: "who" }), "auth.signedInAs", { name: m.displayName ?? m.name ?? "" }),
        tr(h("a", { href: "/auth/logout", id: "sign-out" }), "auth.signOut"),
      );
    } else box.append(tr(h("a", { href: `/auth/login?next=${next}`, id: "sign-in" }), "auth.signIn"));
  });
  return box;
}

/** The invitation token of the link, if any. */
export function linkToken(): string | undefined {
  const q = new URLSearchParams(location.search);
  return q.get("token") ?? q.get("jwt") ?? undefined;
}

/** After an in-app navigation, focus goes to the new page's heading (not on first load). */
export function focusHeading(root: HTMLElement): void {
  if (!navigated) return;
  root.querySelector<HTMLElement>("h1")?.focus({ preventScroll: true });
}
