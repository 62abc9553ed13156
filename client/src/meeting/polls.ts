// In-meeting polls (docs/protocol.md, "Polls"): moderators ask and close, everyone votes
// (and may change the vote until the poll closes), the results show as bars with counts and,
// unless the poll is anonymous, who chose what. Every string from others goes in as text.

import { h, newId } from "../dom";
import { t, tr, type Key } from "../i18n";
import type { PollView } from "../protocol.gen";
import type { Session } from "../session";
import { svgIcon } from "../extras/icons";

export interface PollsHost {
  session: Session;
  isModerator(): boolean;
  /** A participant's name, ours included. */
  nameOf(pid: string): string;
  togglePanel(panel: HTMLElement, button: HTMLButtonElement, open?: boolean, focus?: boolean): void;
  notice(key: Key, vars?: Record<string, string | number>): void;
}

const MAX_OPTIONS = 10;

export class Polls {
  /** Not in the toolbar (it is full): the "More" menu's item clicks it (controls.ts). */
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  private polls = new Map<number, PollView>();
  private list = h("ol", { class: "poll-list", id: "poll-list" });
  private empty = tr(h("p", { class: "hint" }), "poll.empty");
  private form: HTMLFormElement;
  private question: HTMLInputElement;
  private options: HTMLDivElement;
  private anonymous: HTMLInputElement;
  private hidden: HTMLInputElement;
  private error = h("p", { class: "error", role: "alert", id: "poll-error" });

  constructor(private host: PollsHost) {
    this.button = h("button", {
      type: "button",
      class: "toggle poll-toggle",
      id: "toggle-polls",
      "aria-expanded": "false",
      "aria-controls": "polls-panel",
    });
    this.button.append(svgIcon("poll"), tr(h("span", { class: "sr-only" }), "poll.open"));
    tr(this.button, "poll.open", undefined, "title");
    this.button.addEventListener("click", () => this.toggle());

    const heading = tr(h("h2", { id: "polls-panel-title", tabindex: "-1" }), "poll.title");
    const close = tr(h("button", { type: "button", class: "btn small", id: "polls-panel-close" }), "panel.close");
    close.addEventListener("click", () => this.toggle(false));

    this.question = h("input", { id: "poll-question", name: "question", maxlength: "300", required: true });
    this.options = h("div", { class: "poll-options", id: "poll-options" });
    const add = tr(h("button", { type: "button", class: "btn small", id: "poll-add-option" }), "poll.addOption");
    add.addEventListener("click", () => {
      if (this.options.children.length < MAX_OPTIONS) this.addOption().focus();
      add.disabled = this.options.children.length >= MAX_OPTIONS;
    });
    this.anonymous = h("input", { type: "checkbox", id: "poll-anonymous" });
    this.hidden = h("input", { type: "checkbox", id: "poll-hidden" });
    const ask = tr(h("button", { type: "submit", class: "btn primary small", id: "poll-ask" }), "poll.ask");
    const optionsLegend = tr(h("legend"), "poll.options");
    this.form = h(
      "form",
      { class: "poll-form", id: "poll-form" },
      tr(h("h3"), "poll.new"),
      tr(h("label", { for: "poll-question" }), "poll.question"),
      this.question,
      h("fieldset", { class: "poll-fieldset" }, optionsLegend, this.options, add),
      h("label", { class: "check" }, this.anonymous, tr(h("span"), "poll.anonymous")),
      h("label", { class: "check" }, this.hidden, tr(h("span"), "poll.hiddenResults")),
      ask,
      this.error,
    );
    this.error.hidden = true;
    this.addOption();
    this.addOption();
    this.form.addEventListener("submit", (e) => {
      e.preventDefault();
      void this.ask(add);
    });
    tr(this.list, "poll.title", undefined, "aria-label");
    this.panel = h(
      "aside",
      { class: "panel", id: "polls-panel", "aria-labelledby": "polls-panel-title" },
      h("div", { class: "panel-head" }, heading, close),
      this.form,
      this.empty,
      this.list,
    );
    this.panel.hidden = true;
    this.setModerator(false);
  }

  toggle(open?: boolean): void {
    this.host.togglePanel(this.panel, this.button, open);
  }

  /** Moderators see the form that asks a new poll, and a close button on open polls. */
  setModerator(yes: boolean): void {
    this.form.hidden = !yes;
    this.render();
  }

  /** A new room (joining, a breakout room and back): its polls follow as `poll` events. */
  reset(): void {
    this.polls.clear();
    this.render();
  }

  /** A `poll` event. */
  show(poll: PollView): void {
    const known = this.polls.get(poll.id);
    this.polls.set(poll.id, poll);
    this.render();
    if (!known && poll.by !== this.host.session.you?.id && !poll.closed) {
      this.host.notice("poll.asked", { question: poll.question });
    } else if (known && !known.closed && poll.closed) this.host.notice("poll.closedNotice", { question: poll.question });
  }

  private addOption(): HTMLInputElement {
    const n = this.options.children.length + 1;
    const id = newId("poll-option");
    const input = h("input", { id, name: "option", maxlength: "120", class: "poll-option-input" });
    const label = tr(h("label", { for: id, class: "sr-only" }), "poll.optionN", { n });
    this.options.append(h("div", { class: "poll-option" }, label, input));
    return input;
  }

  private async ask(add: HTMLButtonElement): Promise<void> {
    const question = this.question.value.trim();
    const inputs = [...this.options.querySelectorAll<HTMLInputElement>("input")];
    const options = inputs.map((i) => i.value.trim()).filter((v) => v);
    if (!question || options.length < 2) {
      this.showError(t("poll.errIncomplete"));
      return;
    }
    try {
      await this.host.session.call({
        type: "poll_create",
        question,
        options,
        anonymous: this.anonymous.checked,
        live: !this.hidden.checked,
      });
    } catch (e) {
      this.showError(e instanceof Error ? e.message : String(e));
      return;
    }
    this.error.hidden = true;
    this.question.value = "";
    this.options.replaceChildren();
    this.addOption();
    this.addOption();
    add.disabled = false;
    this.anonymous.checked = this.hidden.checked = false;
  }

  private showError(text: string): void {
    this.error.textContent = text;
    this.error.hidden = false;
  }

  private render(): void {
    const polls = [...this.polls.values()].sort((a, b) => b.id - a.id);
    this.empty.hidden = polls.length > 0;
    const focused = document.activeElement;
    const focusKey = focused instanceof HTMLElement && this.list.contains(focused) ? focused.dataset.key : undefined;
    this.list.replaceChildren(...polls.map((p) => this.item(p)));
    if (focusKey) this.list.querySelector<HTMLElement>(`[data-key="${focusKey}"]`)?.focus();
  }

  private item(poll: PollView): HTMLLIElement {
    const name = `poll-${poll.id}`;
    const legend = h("legend", { class: "poll-question" }, poll.question);
    const fieldset = h("fieldset", { class: "poll-choices" }, legend);
    const total = poll.results ? poll.results.counts.reduce((a, b) => a + b, 0) : 0;
    poll.options.forEach((option, i) => {
      const radio = h("input", {
        type: "radio",
        name,
        value: String(i),
        "data-key": `${poll.id}-${i}`,
        checked: poll.yourVote === i,
        disabled: poll.closed,
      });
      radio.addEventListener("change", () => {
        if (radio.checked) this.host.session.send({ type: "poll_vote", poll: poll.id, option: i });
      });
      const row = h("div", { class: "poll-choice" }, h("label", {}, radio, h("span", {}, option)));
      if (poll.results) {
        const count = poll.results.counts[i] ?? 0;
        const percent = total ? Math.round((100 * count) / total) : 0;
        const bar = h("progress", { max: String(Math.max(total, 1)), value: String(count), class: "poll-bar" });
        tr(bar, "poll.resultOf", { option, n: count, percent }, "aria-label");
        const figure = h("span", { class: "poll-count" }, t("poll.count", { n: count, percent }));
        row.append(h("div", { class: "poll-result" }, bar, figure));
        const voters = poll.results.voters?.[i] ?? [];
        if (voters.length)
          row.append(h("p", { class: "poll-voters hint" }, voters.map((v) => this.host.nameOf(v)).join(", ")));
      }
      fieldset.append(row);
    });
    const state: string[] = [t(poll.closed ? "poll.closed" : "poll.openState"), t("poll.votes", { n: poll.votes })];
    if (poll.anonymous) state.push(t("poll.anonymousShort"));
    if (!poll.results && !poll.closed) state.push(t("poll.resultsLater"));
    const li = h("li", { class: "poll", "data-poll": String(poll.id) }, fieldset, h("p", { class: "poll-state hint" }, state.join(" · ")));
    if (poll.closed) li.classList.add("closed");
    if (!poll.closed && this.host.isModerator()) {
      const close = tr(h("button", { type: "button", class: "btn small poll-close", "data-key": `${poll.id}-close` }), "poll.close");
      close.addEventListener("click", () => this.host.session.send({ type: "poll_close", poll: poll.id }));
      li.append(close);
    }
    return li;
  }
}
