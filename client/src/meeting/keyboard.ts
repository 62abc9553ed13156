// Keyboard shortcuts (listed in the help dialog, dialogs.ts's SHORTCUTS), push to talk with
// the space bar, arrow keys along the toolbar, and Escape that closes the open menu or panel.

import { shown, type MoreMenu } from "../more";
import type { Panels } from "./panels";

export interface KeyboardHost {
  toolbar: HTMLElement;
  more: MoreMenu;
  panels: Panels;
  /** The action of each shortcut key (lower case). */
  actions: Record<string, () => void>;
  micOn(): boolean;
  /** Push to talk: the microphone on while the space bar is held, off when it is let go. */
  talk(on: boolean): void;
}

/** Typing in a field, or a dialog is open: keys are not shortcuts then. */
function typing(e: KeyboardEvent): boolean {
  const target = e.target as HTMLElement | null;
  const tag = target?.tagName ?? "";
  if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) || target?.isContentEditable) return true;
  return !!document.querySelector("dialog[open]");
}

/** Left and right arrows move along the toolbar's visible buttons. */
function arrowsAlong(toolbar: HTMLElement, e: KeyboardEvent): void {
  if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
  const btns = [...toolbar.querySelectorAll("button")].filter((b) => shown(b));
  const i = btns.indexOf(document.activeElement as HTMLButtonElement);
  if (i < 0) return;
  const next = btns[(i + (e.key === "ArrowRight" ? 1 : btns.length - 1)) % btns.length];
  next?.focus();
  e.preventDefault();
}

/** Listens to the keyboard; returns what stops listening. */
export function bindKeyboard(host: KeyboardHost): () => void {
  let talking = false;
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat || typing(e)) return;
    const k = e.key.toLowerCase();
    if (k === " ") {
      // Push to talk: only when no control has the focus (space presses buttons).
      const tag = (e.target as HTMLElement | null)?.tagName ?? "";
      if (tag === "BUTTON" || tag === "A" || host.micOn()) return;
      e.preventDefault();
      talking = true;
      host.talk(true);
      return;
    }
    const act = host.actions[k];
    if (act) {
      e.preventDefault();
      act();
    }
  };
  const onKeyUp = (e: KeyboardEvent) => {
    if (e.key === " " && talking) {
      talking = false;
      host.talk(false);
    }
  };
  const onEscape = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.defaultPrevented || document.querySelector("dialog[open]")) return;
    // Menus of their own (a tile's, the reactions) close themselves.
    const target = e.target as HTMLElement | null;
    if (target?.closest?.("#tiles, #reaction-menu")) return;
    if (host.more.isOpen) {
      e.preventDefault();
      return host.more.close(true);
    }
    if (host.panels.closeOpen()) e.preventDefault();
  };
  document.addEventListener("keyup", onKeyUp);
  host.toolbar.addEventListener("keydown", (e) => arrowsAlong(host.toolbar, e));
  document.addEventListener("keydown", onKey);
  document.addEventListener("keydown", onEscape);
  return () => {
    document.removeEventListener("keydown", onKey);
    document.removeEventListener("keydown", onEscape);
    document.removeEventListener("keyup", onKeyUp);
  };
}
