// The toolbar's "More" menu. At phone width the toolbar keeps five essentials (microphone,
// camera, chat, hand, leave) and the other toolbar buttons are reached from this menu; on a
// wide screen those buttons stay in the toolbar and the menu holds only the items that have
// no toolbar button (none of them: the menu's button is hidden then).
//
// Adding an item (any module): `more.add({ id, label, icon, run })`. With `button`, the item
// stands for that toolbar button: shown in the menu at phone width only, where the button is
// hidden, and it mirrors the button's hidden, pressed and attention states.

import { h, icon } from "./dom";
import { tr, type Key } from "./i18n";

/** The width at and under which the toolbar keeps only its essentials (style.css agrees). */
export const PHONE_QUERY = "(max-width: 760px)";

export function isPhone(): boolean {
  return window.matchMedia?.(PHONE_QUERY).matches ?? false;
}

export interface MoreItem {
  /** The menu item's element id. */
  id: string;
  /** Required without `button`; with it, the button's (translated) title by default. */
  label?: Key;
  /** Without it, the button's own icon. */
  icon?: Parameters<typeof icon>[0];
  /** What the item does; defaults to clicking `button`. */
  run?: () => void;
  /** The toolbar button this item stands for at phone width. */
  button?: HTMLButtonElement;
}

/** Rendered, i.e. not hidden by the phone layout or by its own state. */
export function shown(el: HTMLElement): boolean {
  return el.isConnected && el.getClientRects().length > 0;
}

export class MoreMenu {
  readonly button: HTMLButtonElement;
  readonly menu: HTMLUListElement;
  private entries = new Map<HTMLButtonElement, { li: HTMLLIElement; mirror: boolean; off: () => void }>();
  private onOutside = (e: Event) => {
    if (!this.menu.hidden && !this.menu.contains(e.target as Node) && !this.button.contains(e.target as Node))
      this.close(false);
  };

  constructor() {
    this.menu = h("ul", { class: "more-menu", id: "more-menu", role: "menu" });
    tr(this.menu, "more.menu", undefined, "aria-label");
    this.menu.hidden = true;
    this.button = h("button", {
      type: "button",
      class: "toggle more only-mirrors",
      id: "toggle-more",
      "aria-haspopup": "menu",
      "aria-expanded": "false",
      "aria-controls": "more-menu",
    });
    this.button.append(icon("more"), tr(h("span", { class: "sr-only" }), "more.open"));
    tr(this.button, "more.open", undefined, "title");
    this.button.addEventListener("click", () => (this.menu.hidden ? this.open() : this.close(true)));
    this.button.addEventListener("keydown", (e) => {
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        e.preventDefault();
        e.stopPropagation();
        this.open(e.key === "ArrowUp" ? -1 : 0);
      }
    });
    this.menu.addEventListener("keydown", (e) => this.onKey(e));
    document.addEventListener("pointerdown", this.onOutside, true);
  }

  get isOpen(): boolean {
    return !this.menu.hidden;
  }

  /** Adds an item; returns what removes it again. */
  add(item: MoreItem): () => void {
    const src = item.button;
    const el = h("button", { type: "button", role: "menuitem", id: item.id, tabindex: "-1" });
    const svg = item.icon ? icon(item.icon) : src?.querySelector("svg")?.cloneNode(true);
    if (svg) el.append(svg);
    const text = h("span");
    if (item.label) tr(text, item.label);
    el.append(text);
    const li = h("li", { role: "none", class: src ? "for-button" : "" }, el);
    el.addEventListener("click", () => {
      this.close(false);
      if (item.run) item.run();
      else src?.click();
      // A panel took the focus, or nothing did: then it comes back to the menu's button.
      const a = document.activeElement;
      if (!a || a === document.body || this.menu.contains(a)) this.button.focus();
    });
    let off = () => {};
    if (src) {
      src.classList.add("secondary");
      const sync = () => {
        li.hidden = src.hidden;
        if (!item.label) text.textContent = src.title;
        const pressed = src.getAttribute("aria-pressed");
        if (pressed !== null) {
          el.setAttribute("role", "menuitemcheckbox");
          el.setAttribute("aria-checked", pressed);
        }
        el.classList.toggle("attention", src.classList.contains("attention"));
        this.refresh();
      };
      const mo = new MutationObserver(sync);
      mo.observe(src, { attributes: true, attributeFilter: ["hidden", "aria-pressed", "class", "title"] });
      off = () => mo.disconnect();
      sync();
    }
    this.menu.append(li);
    this.entries.set(el, { li, mirror: !!src, off });
    this.refresh();
    return () => {
      off();
      li.remove();
      this.entries.delete(el);
      this.refresh();
    };
  }

  private refresh(): void {
    const all = [...this.entries.values()];
    this.button.classList.toggle("only-mirrors", all.every((x) => x.mirror));
    this.button.classList.toggle(
      "attention",
      [...this.entries.keys()].some((el) => el.classList.contains("attention")),
    );
  }

  private visibleItems(): HTMLButtonElement[] {
    return [...this.entries.keys()].filter((el) => shown(el));
  }

  open(at = 0): void {
    this.menu.hidden = false;
    this.button.setAttribute("aria-expanded", "true");
    const items = this.visibleItems();
    items.at(at)?.focus();
  }

  close(refocus: boolean): void {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.button.setAttribute("aria-expanded", "false");
    if (refocus) this.button.focus();
  }

  private onKey(e: KeyboardEvent): void {
    const items = this.visibleItems();
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    let next: HTMLButtonElement | undefined;
    if (e.key === "ArrowDown") next = items[(i + 1) % items.length];
    else if (e.key === "ArrowUp") next = items[(i - 1 + items.length) % items.length];
    else if (e.key === "Home") next = items[0];
    else if (e.key === "End") next = items.at(-1);
    else if (e.key === "Escape") {
      e.preventDefault();
      this.close(true);
      return;
    } else if (e.key === "Tab") {
      this.close(false);
      return;
    } else return;
    e.preventDefault();
    next?.focus();
  }

  dispose(): void {
    document.removeEventListener("pointerdown", this.onOutside, true);
    for (const x of this.entries.values()) x.off();
  }
}
