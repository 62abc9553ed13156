// Chat (public and private), raised hands, reactions, the participants panel and speaker
// statistics. Every string from others goes into the page as text, never as markup.

import { h, icon, newId } from "./dom";
import { formatTime } from "./format";
import { t, tr, type Key } from "./i18n";
import type { Session } from "./session";
import type { Chat, ChatView, Reaction } from "./protocol.gen";
import type { Participant } from "./types";

/** A chat message as the server sends it. */
export type ChatMessage = ChatView;

export interface CollabHost {
  session: Session;
  myId(): string | undefined;
  self(): Participant | null;
  isModerator(): boolean;
  participants(): Map<string, Participant>;
  tileOf(pid: string): HTMLElement | null;
  announce(text: string): void;
  /** A visible notice (a toast, itself a live region) that also reaches screen readers. */
  notice?(key: Key, vars: Record<string, string | number>): void;
  togglePanel(panel: HTMLElement, button: HTMLButtonElement, open?: boolean, focus?: boolean): void;
  /** Sends a message another way (end to end encrypted); false: send it as `chat`. */
  sendChat?(text: string, to?: string): boolean;
  /** More to show for a participant in the panel (end-to-end verification). */
  personExtra?(pid: string): HTMLElement | null;
}

export const REACTIONS: readonly Reaction["emoji"][] = ["👍", "👏", "😂", "😮", "❤️", "🎉"];
const URL_RE = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)\]]/gi;

/** Text with its http(s) links as safe anchors; nothing else becomes markup. */
export function linkify(text: string): DocumentFragment {
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const at = m.index ?? 0;
    if (at > last) frag.append(text.slice(last, at));
    let href = "";
    try {
      const u = new URL(m[0]);
      if (u.protocol === "http:" || u.protocol === "https:") href = u.href;
    } catch {
      /* not a URL after all */
    }
    if (href) {
      frag.append(h("a", { href, target: "_blank", rel: "noopener noreferrer nofollow" }, m[0]));
    } else frag.append(m[0]);
    last = at + m[0].length;
  }
  if (last < text.length) frag.append(text.slice(last));
  return frag;
}

function panelShell(id: string, title: Key, onClose: () => void): {
  panel: HTMLElement;
  heading: HTMLHeadingElement;
} {
  const titleId = `${id}-title`;
  const heading = tr(h("h2", { id: titleId, tabindex: "-1" }), title);
  const close = tr(h("button", { type: "button", class: "btn small", id: `${id}-close` }), "panel.close");
  close.addEventListener("click", onClose);
  const panel = h(
    "aside",
    { class: "panel", id, "aria-labelledby": titleId },
    h("div", { class: "panel-head" }, heading, close),
  );
  panel.hidden = true;
  return { panel, heading };
}

function toolButton(id: string, label: Key, iconName: string, panelId?: string): HTMLButtonElement {
  const btn = h("button", { type: "button", class: "toggle", id });
  if (panelId) {
    btn.setAttribute("aria-expanded", "false");
    btn.setAttribute("aria-controls", panelId);
  }
  btn.append(icon(iconName), tr(h("span", { class: "sr-only" }), label));
  tr(btn, label, undefined, "title");
  return btn;
}

export class Collab {
  readonly chatButton: HTMLButtonElement;
  readonly chatPanel: HTMLElement;
  readonly peopleButton: HTMLButtonElement;
  readonly peoplePanel: HTMLElement;
  readonly handButton: HTMLButtonElement;
  readonly reactButton: HTMLButtonElement;
  readonly reactMenu: HTMLElement;
  private log: HTMLOListElement;
  private empty: HTMLParagraphElement;
  private toSelect: HTMLSelectElement;
  private input: HTMLTextAreaElement;
  private badge: HTMLSpanElement;
  private unreadText: HTMLSpanElement;
  private unread = 0;
  private seen = new Set<number>();
  private peopleList: HTMLUListElement;
  private peopleTitle: HTMLHeadingElement;
  private hands: string[] = [];
  private talk = new Map<string, number>();

  constructor(private host: CollabHost) {
    // ---- chat ----
    const chat = panelShell("chat-panel", "chat.title", () => this.toggleChat(false));
    this.chatPanel = chat.panel;
    this.chatButton = toolButton("toggle-chat", "chat.open", "chat", "chat-panel");
    this.badge = h("span", { class: "badge", "aria-hidden": "true" });
    this.badge.hidden = true;
    this.unreadText = h("span", { class: "sr-only" });
    this.chatButton.append(this.badge, this.unreadText);
    this.chatButton.addEventListener("click", () => this.toggleChat());
    this.log = h("ol", { class: "chat-log", id: "chat-log", "aria-live": "polite" });
    tr(this.log, "chat.title", undefined, "aria-label");
    this.empty = tr(h("p", { class: "hint" }), "chat.empty");
    const toId = newId("chat-to");
    this.toSelect = h("select", { id: toId, name: "to" });
    this.input = h("textarea", { id: "chat-input", name: "text", rows: "2", maxlength: "2000" });
    const send = tr(h("button", { type: "submit", class: "btn primary small", id: "chat-send" }), "chat.send");
    const form = h(
      "form",
      { class: "chat-form" },
      h("div", { class: "row" }, tr(h("label", { for: toId }), "chat.to"), this.toSelect),
      tr(h("label", { for: "chat-input", class: "sr-only" }), "chat.message"),
      this.input,
      send,
    );
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      this.send();
    });
    this.input.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && !e.shiftKey) {
        e.preventDefault();
        this.send();
      }
    });
    this.chatPanel.append(this.empty, this.log, form);
    this.refreshRecipients();

    // ---- participants ----
    const people = panelShell("people-panel", "people.title", () => this.togglePeople(false));
    this.peoplePanel = people.panel;
    this.peopleTitle = people.heading;
    this.peopleButton = toolButton("toggle-people", "people.open", "people", "people-panel");
    this.peopleButton.addEventListener("click", () => this.togglePeople());
    this.peopleList = h("ul", { class: "people-list", id: "people-list" });
    const stats = tr(h("button", { type: "button", class: "btn small", id: "speaker-stats" }), "people.refreshStats");
    stats.addEventListener("click", () => void this.loadStats());
    this.peoplePanel.append(this.peopleList, stats);

    // ---- hand and reactions ----
    this.handButton = toolButton("toggle-hand", "hand.raise", "hand");
    this.handButton.setAttribute("aria-pressed", "false");
    this.handButton.setAttribute("aria-keyshortcuts", "R");
    this.handButton.addEventListener("click", () => this.toggleHand());
    this.reactButton = toolButton("toggle-reactions", "react.open", "smile", "reaction-menu");
    this.reactMenu = h("div", { class: "reaction-menu", id: "reaction-menu", role: "group" });
    tr(this.reactMenu, "react.open", undefined, "aria-label");
    for (const emoji of REACTIONS) {
      const b = h("button", { type: "button", class: "emoji", "data-emoji": emoji }, emoji);
      tr(b, "react.send", { emoji }, "aria-label");
      b.addEventListener("click", () => {
        this.host.session.send({ type: "reaction", emoji });
        this.showReactionMenu(false);
      });
      this.reactMenu.append(b);
    }
    this.reactMenu.hidden = true;
    this.reactButton.addEventListener("click", () => this.showReactionMenu(this.reactMenu.hidden));
    this.reactMenu.addEventListener("keydown", (e) => {
      if (e.key === "Escape") this.showReactionMenu(false);
    });
  }

  // ---- chat ----

  toggleChat(open?: boolean): void {
    this.host.togglePanel(this.chatPanel, this.chatButton, open);
    if (!this.chatPanel.hidden) {
      this.setUnread(0);
      this.input.focus();
      this.log.lastElementChild?.scrollIntoView({ block: "end" });
    }
  }

  private setUnread(n: number): void {
    this.unread = n;
    this.badge.hidden = n === 0;
    this.badge.textContent = String(n);
    if (n) tr(this.unreadText, "chat.unread", { n });
    else this.unreadText.textContent = "";
    this.chatButton.dataset.unread = String(n);
  }

  private send(): void {
    const text = this.input.value.trim();
    if (!text) return;
    const m: Omit<Chat, "id"> = { type: "chat", text };
    if (this.toSelect.value) m.to = this.toSelect.value;
    if (!this.host.sendChat?.(text, m.to ?? undefined)) this.host.session.send(m);
    this.input.value = "";
  }

  refreshRecipients(): void {
    const current = this.toSelect.value;
    const everyone = tr(h("option", { value: "" }), "chat.everyone");
    const others = [...this.host.participants().values()].map((p) =>
      h("option", { value: p.id }, p.name),
    );
    this.toSelect.replaceChildren(everyone, ...others);
    if ([...this.toSelect.options].some((o) => o.value === current)) this.toSelect.value = current;
  }

  /** Another room's chat (moved into a breakout room, or back): the log starts afresh. */
  clearHistory(): void {
    this.seen.clear();
    this.log.replaceChildren();
    this.empty.hidden = false;
    this.setUnread(0);
  }

  setHistory(messages: ChatMessage[]): void {
    for (const m of messages) this.addMessage(m, false);
  }

  addMessage(m: ChatMessage, live = true): void {
    if (this.seen.has(m.id)) return;
    this.seen.add(m.id);
    const mine = m.from === this.host.myId();
    const time = new Date(m.time * 1000);
    const who = mine ? t("chat.you") : m.fromName;
    const meta = h(
      "div",
      { class: "meta" },
      h("span", { class: "from" }, who),
      m.to
        ? h(
            "span",
            { class: "private" },
            mine
              ? t("chat.privateTo", { name: this.host.participants().get(m.to)?.name ?? "" })
              : t("chat.private"),
          )
        : null,
      h(
        "time",
        { datetime: time.toISOString() },
        formatTime(time),
      ),
    );
    const li = h(
      "li",
      { class: `msg${mine ? " mine" : ""}${m.to ? " private" : ""}`, "data-from": m.from },
      meta,
      h("p", { class: "text" }, linkify(m.text)),
    );
    this.log.append(li);
    this.empty.hidden = true;
    if (!this.chatPanel.hidden) li.scrollIntoView({ block: "end" });
    else if (live && !mine) this.setUnread(this.unread + 1);
  }

  // ---- hands ----

  private toggleHand(): void {
    const me = this.host.myId();
    const raised = !!me && this.hands.includes(me);
    this.host.session.send({ type: "hand", raised: !raised });
  }

  raiseOrLowerHand(): void {
    this.toggleHand();
  }

  setHands(order: string[], announce = true): void {
    const before = new Set(this.hands);
    this.hands = order;
    const me = this.host.myId();
    this.handButton.setAttribute("aria-pressed", String(!!me && order.includes(me)));
    for (const el of document.querySelectorAll<HTMLElement>(".tile .hand")) el.remove();
    order.forEach((pid, i) => {
      if (announce && !before.has(pid) && pid !== me) {
        const name = this.host.participants().get(pid)?.name ?? "";
        if (this.host.notice) this.host.notice("hand.raised", { name });
        else this.host.announce(t("hand.raised", { name }));
      }
      const tile = this.host.tileOf(pid);
      if (!tile) return;
      const badge = h("span", { class: "hand", "data-order": String(i + 1) }, `✋ ${i + 1}`);
      tr(badge, "people.hand", { n: i + 1 }, "aria-label");
      badge.setAttribute("role", "img");
      tile.append(badge);
    });
    this.refreshPeople();
  }

  /** Tiles are rebuilt at times: put the hand badges back. */
  reapplyHands(): void {
    this.setHands(this.hands, false);
  }

  // ---- reactions ----

  private showReactionMenu(open: boolean): void {
    this.reactMenu.hidden = !open;
    this.reactButton.setAttribute("aria-expanded", String(open));
    if (open) this.reactMenu.querySelector("button")?.focus();
    // At phone width the button is in the "More" menu (client/src/more.ts): back to that one.
    else if (this.reactButton.getClientRects().length) this.reactButton.focus();
    else document.getElementById("toggle-more")?.focus();
  }

  showReaction(pid: string, emoji: string): void {
    if (!REACTIONS.some((r) => r === emoji)) return;
    const tile = this.host.tileOf(pid);
    if (!tile) return;
    const el = h("span", { class: "reaction", "aria-hidden": "true" }, emoji);
    tile.append(el);
    window.setTimeout(() => el.remove(), 3000);
  }

  // ---- participants ----

  togglePeople(open?: boolean): void {
    this.host.togglePanel(this.peoplePanel, this.peopleButton, open);
    if (!this.peoplePanel.hidden) this.refreshPeople();
  }

  refreshPeople(): void {
    const all = [...this.host.participants().values()];
    tr(this.peopleTitle, "people.title");
    this.peopleTitle.append(` (${all.length + 1})`);
    if (this.peoplePanel.hidden) return;
    const self = this.host.self();
    const items = [self ? this.personRow(self, true) : null, ...all.map((p) => this.personRow(p, false))];
    this.peopleList.replaceChildren(...(items.filter(Boolean) as HTMLLIElement[]));
  }

  private personRow(p: Participant, mine: boolean): HTMLLIElement {
    const hand = this.hands.indexOf(p.id);
    const talk = this.talk.get(p.id);
    const li = h(
      "li",
      { "data-participant": p.id },
      h("span", { class: "who" }, mine ? t("meeting.you", { name: p.name }) : p.name),
      p.role === "moderator" ? tr(h("span", { class: "tag" }), "mod.moderator") : null,
      p.audioMuted ? h("span", { class: "state", role: "img", "aria-label": t("meeting.muted") }, icon("micOff")) : null,
      p.videoMuted ? h("span", { class: "state", role: "img", "aria-label": t("people.camOff") }, icon("camOff")) : null,
      hand >= 0 ? h("span", { class: "tag hand-tag" }, `✋ ${hand + 1}`) : null,
      talk !== undefined ? h("span", { class: "talk" }, formatDuration(talk)) : null,
      mine ? null : this.host.personExtra?.(p.id),
    );
    if (hand >= 0 && (this.host.isModerator() || mine)) {
      const lower = h("button", { type: "button", class: "btn small", "data-lower": p.id }, "✋↓");
      lower.setAttribute("aria-label", t("people.lowerHand", { name: p.name }));
      lower.addEventListener("click", () =>
        this.host.session.send({ type: "lower_hand", participant: p.id }),
      );
      li.append(lower);
    }
    return li;
  }

  private async loadStats(): Promise<void> {
    try {
      const r = await this.host.session.call({ type: "speaker_stats" });
      if (r.type !== "speaker_stats") return;
      this.talk = new Map(
        r.stats.map((s) => [
          s.participant,
          s.talkTime,
        ]),
      );
      this.refreshPeople();
    } catch {
      /* the server may not keep statistics */
    }
  }
}

export function formatDuration(seconds: number): string {
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return `${m}:${String(s % 60).padStart(2, "0")}`;
}
