// Breakout rooms (docs/protocol.md, "Breakout rooms"). Moderators get a panel: plan rooms,
// assign people (by hand, or shuffled), open them with an optional timer, visit them, send
// a message to all of them, close them. Everyone gets a banner while the rooms are open:
// which room they are in, the time left, and the way back to the main room (or to their
// room). The moves themselves are the server's: each comes as a new `joined`.

import { h } from "../dom";
import { t, tr, type Key } from "../i18n";
import type { BreakoutSeat, BreakoutsView } from "../protocol.gen";
import type { Session } from "../session";
import { svgIcon } from "../extras/icons";

export interface BreakoutsHost {
  session: Session;
  isModerator(): boolean;
  /** The people of the room we are in now (us excluded): id and name. */
  present(): { id: string; name: string }[];
  togglePanel(panel: HTMLElement, button: HTMLButtonElement, open?: boolean, focus?: boolean): void;
  notice(key: Key, vars?: Record<string, string | number>): void;
  announce(text: string): void;
  /** Shows (or removes) the "More" menu's item that opens the panel. */
  menuItem(on: boolean): void;
}

export class Breakouts {
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  /** Shown above the stage while the rooms are open. */
  readonly banner = h("div", { class: "breakout-banner", id: "breakout-banner", role: "region" });
  private plan: BreakoutsView | null = null;
  private seat: BreakoutSeat | null = null;
  private content = h("div", { class: "breakout-content", id: "breakout-content" });
  private error = h("p", { class: "error", role: "alert", id: "breakout-error" });
  private bannerText = h("span", { class: "breakout-where", id: "breakout-where" });
  private bannerTime = h("span", { class: "breakout-time", id: "breakout-time" });
  private bannerAction = h("button", { type: "button", class: "btn small", id: "breakout-move" });
  private timer = 0;
  private moderator = false;

  constructor(private host: BreakoutsHost) {
    this.button = h("button", {
      type: "button",
      class: "toggle",
      id: "toggle-breakouts",
      "aria-expanded": "false",
      "aria-controls": "breakouts-panel",
    });
    this.button.append(svgIcon("rooms"), tr(h("span", { class: "sr-only" }), "breakout.open"));
    tr(this.button, "breakout.open", undefined, "title");
    this.button.addEventListener("click", () => this.host.togglePanel(this.panel, this.button));
    const heading = tr(h("h2", { id: "breakouts-panel-title", tabindex: "-1" }), "breakout.title");
    const close = tr(h("button", { type: "button", class: "btn small" }), "panel.close");
    close.addEventListener("click", () => this.host.togglePanel(this.panel, this.button, false));
    this.error.hidden = true;
    this.panel = h(
      "aside",
      { class: "panel", id: "breakouts-panel", "aria-labelledby": "breakouts-panel-title" },
      h("div", { class: "panel-head" }, heading, close),
      this.error,
      this.content,
    );
    this.panel.hidden = true;
    tr(this.banner, "breakout.title", undefined, "aria-label");
    this.banner.append(this.bannerText, this.bannerTime, this.bannerAction);
    this.banner.hidden = true;
    this.bannerAction.addEventListener("click", () => void this.bannerMove());
  }

  dispose(): void {
    window.clearInterval(this.timer);
  }

  /** Our role: the panel is the moderators'. */
  setModerator(yes: boolean): void {
    if (yes === this.moderator) return this.render();
    this.moderator = yes;
    this.host.menuItem(yes);
    if (!yes && !this.panel.hidden) this.host.togglePanel(this.panel, this.button, false, false);
    this.render();
  }

  /** Each `joined`: in a breakout room (`seat`) or in the main room (null). */
  joined(seat: BreakoutSeat | null): void {
    const before = this.seat;
    this.seat = seat;
    if (seat && seat.index !== before?.index) this.host.notice("breakout.movedIn", { name: seat.name });
    else if (!seat && before) this.host.notice("breakout.movedBack");
    this.render();
  }

  /** A `breakouts` event. */
  show(plan: BreakoutsView | null): void {
    this.plan = plan;
    this.render();
  }

  /** A `breakout_message`. */
  message(from: string, text: string): void {
    this.host.notice("breakout.messageFrom", { name: from, text });
    this.host.announce(t("breakout.messageFrom", { name: from, text }));
  }

  // ---- the banner ----

  private renderBanner(): void {
    const plan = this.plan;
    window.clearInterval(this.timer);
    this.timer = 0;
    if (!plan?.opened) {
      this.banner.hidden = true;
      return;
    }
    const mine = plan.yourRoom;
    const moderator = this.host.isModerator();
    if (this.seat) {
      tr(this.bannerText, "breakout.youAreIn", { name: this.seat.name });
      tr(this.bannerAction, "breakout.return");
      this.bannerAction.hidden = !(plan.allowReturn || moderator);
    } else if (mine !== undefined && mine !== null) {
      tr(this.bannerText, "breakout.areOpen");
      tr(this.bannerAction, "breakout.goTo", { name: plan.rooms[mine]?.name ?? "" });
      this.bannerAction.hidden = false;
    } else {
      tr(this.bannerText, "breakout.areOpen");
      this.bannerAction.hidden = true;
    }
    this.banner.hidden = false;
    const ends = plan.endsAt;
    const tick = () => {
      if (!ends) {
        this.bannerTime.textContent = "";
        return;
      }
      const left = Math.max(0, Math.round(ends - Date.now() / 1000));
      const text = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, "0")}`;
      tr(this.bannerTime, "breakout.timeLeft", { time: text });
    };
    tick();
    if (ends) this.timer = window.setInterval(tick, 1000);
  }

  private async bannerMove(): Promise<void> {
    const plan = this.plan;
    if (!plan) return;
    if (this.seat) await this.request({ type: "breakout_return" });
    else if (plan.yourRoom !== undefined && plan.yourRoom !== null)
      await this.request({ type: "breakout_join", room: plan.yourRoom });
  }

  private async request(m: Parameters<Session["call"]>[0]): Promise<boolean> {
    try {
      await this.host.session.call(m);
      this.error.hidden = true;
      return true;
    } catch (e) {
      this.error.textContent = e instanceof Error ? e.message : String(e);
      this.error.hidden = false;
      return false;
    }
  }

  // ---- the moderators' panel ----

  private render(): void {
    this.renderBanner();
    if (!this.host.isModerator()) return;
    const focusedId = document.activeElement instanceof HTMLElement && this.panel.contains(document.activeElement) ? document.activeElement.id : "";
    const plan = this.plan;
    if (!plan) this.content.replaceChildren(...this.creation());
    else this.content.replaceChildren(...this.assignment(plan), ...(plan.opened ? this.opened(plan) : this.opening()));
    if (focusedId) document.getElementById(focusedId)?.focus();
  }

  private creation(): HTMLElement[] {
    const count = h("input", { type: "number", id: "breakout-count", min: "1", max: "20", value: "2" });
    const create = tr(h("button", { type: "button", class: "btn primary small", id: "breakout-create" }), "breakout.create");
    create.addEventListener("click", () => {
      const n = Math.min(20, Math.max(1, Number(count.value) || 2));
      const names = Array.from({ length: n }, (_, i) => t("breakout.roomN", { n: i + 1 }));
      void this.request({ type: "breakout_create", names });
    });
    return [tr(h("p", { class: "hint" }), "breakout.intro"), tr(h("label", { for: "breakout-count" }), "breakout.count"), count, create];
  }

  /** Everyone we know of, with a room chooser each. */
  private assignment(plan: BreakoutsView): HTMLElement[] {
    const people = new Map<string, string>();
    for (const p of this.host.present()) people.set(p.id, p.name);
    for (const room of plan.rooms) for (const p of room.assigned) people.set(p.id, p.name);
    const me = this.host.session.you;
    if (me) people.delete(me.id);
    const roomOf = new Map<string, number>();
    plan.rooms.forEach((room, i) => room.assigned.forEach((p) => roomOf.set(p.id, i)));
    const list = h("ul", { class: "breakout-people", id: "breakout-people" });
    for (const [id, name] of [...people].sort((a, b) => a[1].localeCompare(b[1]))) {
      const selectId = `breakout-for-${id}`;
      const select = h("select", { id: selectId, "data-participant": id });
      select.append(tr(h("option", { value: "" }), "breakout.mainRoom"));
      plan.rooms.forEach((room, i) => select.append(h("option", { value: String(i) }, room.name)));
      select.value = roomOf.has(id) ? String(roomOf.get(id)) : "";
      select.addEventListener("change", () => {
        const room = select.value === "" ? null : Number(select.value);
        void this.request({ type: "breakout_assign", participant: id, room });
      });
      list.append(h("li", {}, h("label", { for: selectId }, name), select));
    }
    const shuffle = tr(h("button", { type: "button", class: "btn small", id: "breakout-shuffle" }), "breakout.shuffle");
    shuffle.addEventListener("click", () => void this.request({ type: "breakout_shuffle" }));
    const heading = tr(h("h3"), "breakout.assign");
    const none = people.size ? null : tr(h("p", { class: "hint" }), "breakout.nobody");
    return [heading, ...(none ? [none] : [list]), shuffle];
  }

  private opening(): HTMLElement[] {
    const minutes = h("input", { type: "number", id: "breakout-minutes", min: "1", max: "480" });
    const allow = h("input", { type: "checkbox", id: "breakout-allow-return", checked: true });
    const open = tr(h("button", { type: "button", class: "btn primary small", id: "breakout-open" }), "breakout.openRooms");
    open.addEventListener("click", () => {
      const m = Number(minutes.value);
      const duration = m > 0 ? Math.round(Math.min(m, 480) * 60) : null;
      void this.request({ type: "breakout_open", duration, allowReturn: allow.checked });
    });
    const cancel = tr(h("button", { type: "button", class: "btn small", id: "breakout-cancel" }), "breakout.cancel");
    cancel.addEventListener("click", () => void this.request({ type: "breakout_close" }));
    return [
      tr(h("label", { for: "breakout-minutes" }), "breakout.minutes"),
      minutes,
      h("label", { class: "check" }, allow, tr(h("span"), "breakout.allowReturn")),
      h("div", { class: "row" }, open, cancel),
    ];
  }

  private opened(plan: BreakoutsView): HTMLElement[] {
    const rooms = h("ul", { class: "breakout-rooms", id: "breakout-rooms" });
    plan.rooms.forEach((room, i) => {
      const here = this.seat?.index === i;
      const visit = tr(h("button", { type: "button", class: "btn small", id: `breakout-visit-${i}`, disabled: here }), "breakout.visit", { name: room.name });
      visit.addEventListener("click", () => void this.request({ type: "breakout_join", room: i }));
      const count = t("breakout.present", { n: room.present.length });
      rooms.append(h("li", {}, h("span", { class: "breakout-room-name" }, room.name), h("span", { class: "hint" }, count), visit));
    });
    const textId = "breakout-broadcast-text";
    const text = h("input", { id: textId, maxlength: "2000" });
    const send = tr(h("button", { type: "submit", class: "btn small", id: "breakout-broadcast" }), "chat.send");
    const form = h("form", { class: "breakout-broadcast" }, tr(h("label", { for: textId }), "breakout.broadcast"), text, send);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      const value = text.value.trim();
      if (!value) return;
      void this.request({ type: "breakout_broadcast", text: value }).then((ok) => {
        if (ok) text.value = "";
      });
    });
    const closeAll = tr(h("button", { type: "button", class: "btn danger small", id: "breakout-close" }), "breakout.closeRooms");
    closeAll.addEventListener("click", () => void this.request({ type: "breakout_close" }));
    const parts: HTMLElement[] = [tr(h("h3"), "breakout.rooms"), rooms];
    if (this.seat) {
      const back = tr(h("button", { type: "button", class: "btn small", id: "breakout-back" }), "breakout.return");
      back.addEventListener("click", () => void this.request({ type: "breakout_return" }));
      parts.push(back);
    }
    parts.push(form, closeAll);
    return parts;
  }
}
