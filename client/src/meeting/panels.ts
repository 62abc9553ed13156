// The side panels (chat, people, notes, moderation): one open at a time, each with the
// toolbar button that opens it, and the focus brought back to that button on closing.

import { shown, type MoreMenu } from "../more";

export class Panels {
  private panels = new Map<HTMLElement, HTMLButtonElement>();

  constructor(
    private body: HTMLElement,
    private more: MoreMenu,
  ) {}

  /** A panel and its button; the panel goes into the page's body (hidden until opened). */
  add(panel: HTMLElement, button: HTMLButtonElement): void {
    this.panels.set(panel, button);
    if (!panel.isConnected) this.body.append(panel);
  }

  /** Opens or closes a panel (closing the others); with focus, moves the focus along. */
  toggle = (panel: HTMLElement, button: HTMLButtonElement, open = panel.hidden, focus = true): void => {
    if (!this.panels.has(panel)) this.add(panel, button);
    for (const [p, b] of this.panels) {
      const on = p === panel && open;
      p.hidden = !on;
      b.setAttribute("aria-expanded", String(on));
    }
    if (!focus) return;
    if (open) panel.querySelector<HTMLElement>("h2")?.focus();
    else if (document.activeElement === document.body || panel.contains(document.activeElement))
      this.focusButton(button);
  };

  anyOpen = (): boolean => [...this.panels.keys()].some((p) => !p.hidden);

  /** Closes the open panel, if any, and focuses its button; false when none was open. */
  closeOpen(): boolean {
    const open = [...this.panels].find(([p]) => !p.hidden);
    if (!open) return false;
    this.toggle(open[0], open[1], false, false);
    this.focusButton(open[1]);
    return true;
  }

  /** A panel's button, or "More" where the phone layout hides the button in it. */
  private focusButton(button: HTMLButtonElement): void {
    (shown(button) ? button : this.more.button).focus();
  }
}
