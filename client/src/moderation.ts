// Moderator tools, loaded only when this participant becomes a moderator: the lobby,
// room settings (lock, lobby, password, start muted), mute everyone, end the meeting,
// and per-participant actions on the tiles.

import { confirmAction } from "./confirm";
import { h, icon, newId } from "./dom";
import { t, tr, type Key } from "./i18n";
import type { RecordingStatus } from "./protocol.gen";
import type { Knocker, Outgoing, RoomSettings, Session } from "./session";

export interface ModerationHost {
  session: Session;
  /** The room is a space's meeting: its chat may be kept in the space at the end. */
  spaceRoom: boolean;
  togglePanel(panel: HTMLElement, button: HTMLButtonElement, open?: boolean, focus?: boolean): void;
  anyPanelOpen(): boolean;
  announce(text: string): void;
  toast(key: Key): void;
}


export class Moderation {
  readonly button: HTMLButtonElement;
  readonly panel: HTMLElement;
  private lobbyList: HTMLUListElement;
  private lobbyEmpty: HTMLParagraphElement;
  private knockers = new Map<string, HTMLLIElement>();
  private checks: Record<string, HTMLInputElement> = {};
  private passwordState: HTMLParagraphElement;
  private recordingList: HTMLUListElement;
  private recordingItems = new Map<string, HTMLLIElement>();
  private menus = new Set<HTMLElement>();
  private onDocClick = (e: MouseEvent) => {
    for (const m of this.menus) {
      if (!m.contains(e.target as Node)) this.closeMenu(m);
    }
  };

  constructor(private host: ModerationHost) {
    const id = "mod-panel";
    this.button = h("button", {
      type: "button",
      class: "toggle",
      id: "toggle-moderation",
      "aria-expanded": "false",
      "aria-controls": id,
    });
    this.button.append(icon("shield"));
    this.button.append(tr(h("span", { class: "sr-only" }), "mod.panel"));
    tr(this.button, "mod.panel", undefined, "title");
    this.button.addEventListener("click", () => this.toggle());

    const close = h("button", { type: "button", class: "btn small", id: "close-moderation" });
    tr(close, "mod.close");
    close.addEventListener("click", () => this.toggle(false));

    this.passwordState = h("p", { class: "hint", id: "password-state" });
    const pwForm = this.passwordForm();
    const actions = this.meetingActions();
    this.recordingList = h("ul", { class: "recording-list", id: "recording-list" });
    const recordingsId = "recordings-title";
    const recordings = h(
      "section",
      { "aria-labelledby": recordingsId, id: "recordings" },
      tr(h("h3", { id: recordingsId }), "mod.recordings"),
      this.recordingList,
    );
    recordings.hidden = true;
    this.lobbyList = h("ul", { class: "lobby-list", id: "lobby-list" });
    this.lobbyEmpty = tr(h("p", { class: "hint" }), "mod.nobodyWaiting");
    const titleId = "mod-title";
    const waitId = "lobby-title";
    this.panel = h(
      "aside",
      { class: "panel", id, "aria-labelledby": titleId },
      h("div", { class: "panel-head" }, tr(h("h2", { id: titleId, tabindex: "-1" }), "mod.panel"), close),
      h(
        "section",
        { "aria-labelledby": waitId },
        tr(h("h3", { id: waitId }), "mod.waiting"),
        this.lobbyEmpty,
        this.lobbyList,
      ),
      ...this.settingChecks(),
      recordings,
      pwForm,
      actions,
    );
    this.panel.hidden = true;
    document.addEventListener("click", this.onDocClick);
  }

  /** A room setting's checkbox; a change sends the command `send` makes. */
  private check(key: Key, name: string, send: (v: boolean) => Outgoing): HTMLElement {
    const cid = newId("mod");
    const input = h("input", { type: "checkbox", id: cid, name });
    input.addEventListener("change", () => void this.send(send(input.checked)));
    this.checks[name] = input;
    return h("div", { class: "check" }, input, tr(h("label", { for: cid }), key));
  }

  private settingChecks(): HTMLElement[] {
    const check = (key: Key, name: string, send: (v: boolean) => Outgoing) => this.check(key, name, send);
    return [
      check("mod.lobby", "lobby", (v) => ({ type: "lobby", enabled: v })),
      check("mod.lock", "locked", (v) => ({ type: "lock", locked: v })),
      check("mod.e2ee", "e2ee", (v) => ({ type: "e2ee", enabled: v })),
      check("mod.record", "recording", (v) => ({ type: "recording", enabled: v })),
      ...(this.host.spaceRoom ? [check("mod.saveChat", "saveChat", (v) => ({ type: "save_chat", save: v }))] : []),
      ...(this.host.spaceRoom
        ? [check("mod.saveNotes", "saveNotes", (v) => ({ type: "save_notes", save: v }))]
        : []),
      check("mod.openBoard", "openBoard", () => ({ type: "open_board" })),
      ...(this.host.spaceRoom
        ? [check("mod.saveBoard", "saveBoard", (v) => ({ type: "save_board", save: v }))]
        : []),
      check("mod.startAudioMuted", "startAudio", (v) => ({
        type: "start_muted",
        audio: v,
        video: this.checks.startVideo!.checked,
      })),
      check("mod.startVideoMuted", "startVideo", (v) => ({
        type: "start_muted",
        audio: this.checks.startAudio!.checked,
        video: v,
      })),
    ];
  }

  /** The room's password: set or cleared. */
  private passwordForm(): HTMLFormElement {
    const pw = h("input", { type: "password", id: "mod-password", autocomplete: "new-password" });
    const setPw = tr(h("button", { type: "button", class: "btn small", id: "set-password" }), "mod.passwordSet");
    const clearPw = tr(h("button", { type: "button", class: "btn small", id: "clear-password" }), "mod.passwordClear");
    setPw.addEventListener("click", () => {
      if (!pw.value) return pw.focus();
      void this.send({ type: "set_password", password: pw.value });
      pw.value = "";
    });
    clearPw.addEventListener("click", () => void this.send({ type: "set_password", password: null }));
    // In a form, so password managers and the browser treat the field as one.
    const user = h("input", { type: "text", autocomplete: "username", hidden: true, value: "" });
    user.setAttribute("aria-hidden", "true");
    const pwForm = h(
      "form",
      { class: "field" },
      user,
      tr(h("label", { for: "mod-password" }), "mod.password"),
      pw,
      this.passwordState,
      h("div", { class: "actions" }, setPw, clearPw),
    );
    pwForm.addEventListener("submit", (e) => {
      e.preventDefault();
      setPw.click();
    });
    return pwForm;
  }

  /** Mute everyone, end the meeting (each confirmed first). */
  private meetingActions(): HTMLElement {
    const muteAll = tr(h("button", { type: "button", class: "btn", id: "mute-all" }), "mod.muteAll");
    muteAll.addEventListener("click", async () => {
      if (await confirmAction("confirm.muteAllTitle", "confirm.muteAllBody", "confirm.muteAllOk"))
        void this.send({ type: "mute_all", kind: "audio" });
    });
    const endAll = tr(h("button", { type: "button", class: "btn danger", id: "end-meeting" }), "mod.endAll");
    endAll.addEventListener("click", async () => {
      if (await confirmAction("confirm.endTitle", "confirm.endBody", "confirm.endOk"))
        void this.send({ type: "end_meeting" });
    });
    return h("div", { class: "actions" }, muteAll, endAll);
  }

  toggle(open = this.panel.hidden): void {
    this.host.togglePanel(this.panel, this.button, open);
  }

  private async send(m: Outgoing): Promise<void> {
    try {
      await this.host.session.call(m);
    } catch (e) {
      if ((e as { code?: string }).code === "forbidden") this.host.toast("mod.forbidden");
      else if ((m.type === "save_notes" || m.type === "save_board") && (e as { code?: string }).code === "invalid") {
        this.checks[m.type === "save_notes" ? "saveNotes" : "saveBoard"]!.checked = false;
        this.host.announce((e as Error).message);
      }
      else if (m.type === "save_chat" && (e as { code?: string }).code === "invalid") {
        this.checks.saveChat!.checked = false;
        this.host.announce((e as Error).message);
        this.host.toast("mod.saveChatRefused");
      }
      else if (m.type === "recording" && ["invalid", "unavailable"].includes((e as { code?: string }).code ?? "")) {
        // An encrypted meeting, or a server that does not record: the server says which.
        this.checks.recording!.checked = false;
        this.host.announce((e as Error).message);
        this.host.toast("mod.recordRefused");
      }
      else if (m.type === "e2ee" && (e as { code?: string }).code === "invalid") {
        // Someone here cannot encrypt: the server names them.
        this.checks.e2ee!.checked = false;
        this.host.announce((e as Error).message);
        this.host.toast("mod.e2eeRefused");
      }
      else if ((e as { code?: string }).code !== "timeout") console.warn("palabre:", e);
    }
  }

  setSettings(s: RoomSettings | undefined): void {
    if (!s) return;
    this.checks.lobby!.checked = s.lobby;
    this.checks.locked!.checked = s.locked;
    this.checks.e2ee!.checked = s.e2ee ?? false;
    this.checks.recording!.checked = s.recording ?? false;
    if (this.checks.saveChat) this.checks.saveChat.checked = s.chatSaved ?? false;
    if (this.checks.saveNotes) this.checks.saveNotes.checked = s.notesSaved ?? false;
    // Once open, the board stays open until the meeting ends.
    this.checks.openBoard!.checked = this.checks.openBoard!.disabled = s.boardOpen ?? false;
    if (this.checks.saveBoard) this.checks.saveBoard.checked = s.boardSaved ?? false;
    this.checks.startAudio!.checked = s.startMuted?.audio ?? false;
    this.checks.startVideo!.checked = s.startMuted?.video ?? false;
    tr(this.passwordState, s.passwordSet ? "mod.passwordIsSet" : "mod.passwordNone");
  }

  /** A recording's state, in the panel: being prepared, a download link, or why it failed. */
  recordingStatus(r: RecordingStatus, fresh: boolean): void {
    let li = this.recordingItems.get(r.recording);
    if (!li) {
      li = h("li", { "data-recording": r.recording });
      this.recordingItems.set(r.recording, li);
      this.recordingList.append(li);
    }
    const n = [...this.recordingItems.keys()].indexOf(r.recording) + 1;
    li.replaceChildren();
    if (r.state === "ready" && r.url) {
      const minutes = Math.max(1, Math.round((r.duration ?? 0) / 60));
      const link = tr(h("a", { href: r.url, download: "", class: "btn small" }), "mod.recordingReady", { n, minutes });
      li.append(link);
      if (fresh) this.host.toast("mod.recordingReadyToast");
    } else if (r.state === "failed") li.append(tr(h("span", {}), "mod.recordingFailed", { n, reason: r.reason ?? "" }));
    else li.append(tr(h("span", {}), "mod.recordingComposing", { n }));
    this.recordingList.closest("section")!.hidden = false;
  }

  setLobby(list: Knocker[]): void {
    for (const id of [...this.knockers.keys()]) this.left(id);
    for (const k of list) this.knock(k, false);
  }

  knock(k: Knocker, announce = true): void {
    if (this.knockers.has(k.id)) return;
    const admit = tr(h("button", { type: "button", class: "btn small primary", "data-admit": k.id }), "mod.admit");
    const deny = tr(h("button", { type: "button", class: "btn small", "data-deny": k.id }), "mod.deny");
    admit.addEventListener("click", () => void this.send({ type: "admit", participant: k.id }));
    deny.addEventListener("click", () => void this.send({ type: "deny", participant: k.id }));
    admit.setAttribute("aria-label", `${t("mod.admit")} ${k.name}`);
    deny.setAttribute("aria-label", `${t("mod.deny")} ${k.name}`);
    const li = h("li", { "data-knocker": k.id }, h("span", { class: "knocker" }, k.name), admit, deny);
    this.knockers.set(k.id, li);
    this.lobbyList.append(li);
    this.lobbyEmpty.hidden = true;
    this.button.classList.add("attention");
    if (announce) {
      this.host.announce(t("mod.knock", { name: k.name }));
      if (!this.host.anyPanelOpen()) this.host.togglePanel(this.panel, this.button, true, false);
    }
  }

  left(id: string): void {
    this.knockers.get(id)?.remove();
    this.knockers.delete(id);
    this.lobbyEmpty.hidden = this.knockers.size > 0;
    if (!this.knockers.size) this.button.classList.remove("attention");
  }

  /** The per-participant action menu placed on a remote tile. */
  tileMenu(pid: string, name: () => string): HTMLElement {
    const menuId = newId("menu");
    const btn = h(
      "button",
      { type: "button", class: "tile-menu-button", "aria-expanded": "false", "aria-controls": menuId },
      icon("more"),
    );
    const label = () => btn.setAttribute("aria-label", t("mod.actionsFor", { name: name() }));
    label();
    const item = (key: Key, m: Outgoing) => {
      const b = tr(h("button", { type: "button", class: "menu-item", "data-action": m.type }), key);
      b.addEventListener("click", async () => {
        this.closeMenu(wrap);
        if (m.type === "remove") {
          const vars = { name: name() };
          if (!(await confirmAction("confirm.removeTitle", "confirm.removeBody", "confirm.removeOk", vars)))
            return;
        }
        void this.send(m);
      });
      return h("li", {}, b);
    };
    const list = h(
      "ul",
      { class: "tile-menu", id: menuId },
      item("mod.mute", { type: "mute_participant", participant: pid, kind: "audio" }),
      item("mod.stopVideo", { type: "mute_participant", participant: pid, kind: "video" }),
      item("mod.askUnmute", { type: "ask_unmute", participant: pid, kind: "audio" }),
      item("mod.makeModerator", { type: "grant_moderator", participant: pid }),
      item("mod.remove", { type: "remove", participant: pid }),
    );
    list.hidden = true;
    const wrap = h("div", { class: "tile-actions" }, btn, list);
    btn.addEventListener("click", (e) => {
      e.stopPropagation();
      label();
      if (list.hidden) {
        list.hidden = false;
        btn.setAttribute("aria-expanded", "true");
        this.menus.add(wrap);
        list.querySelector("button")?.focus();
      } else this.closeMenu(wrap);
    });
    wrap.addEventListener("keydown", (e) => {
      if (e.key === "Escape" && !list.hidden) {
        this.closeMenu(wrap);
        btn.focus();
      }
    });
    return wrap;
  }

  private closeMenu(wrap: HTMLElement): void {
    const list = wrap.querySelector("ul");
    if (list) list.hidden = true;
    wrap.querySelector("button")?.setAttribute("aria-expanded", "false");
    this.menus.delete(wrap);
  }

  destroy(): void {
    document.removeEventListener("click", this.onDocClick);
    this.panel.remove();
    this.button.remove();
  }
}
