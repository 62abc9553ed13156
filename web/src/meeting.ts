// The meeting page: tile grid, toolbar, live joins and leaves, reconnect banner.

import { createRoom, formatCode } from "./api";
import { exitPage } from "./exit";
import { langSwitch, navigate, rememberActive, roomPath, type Dispose } from "./app";
import { h, icon } from "./dom";
import { t, tr, type Key } from "./i18n";
import {
  getCamera,
  getMicrophone,
  loadPrefs,
  savePrefs,
  setSpeaker,
  stopTrack,
  takeHandOff,
} from "./media";
import { toggleButton } from "./prejoin";
import { openSettings, settingsButton } from "./settings";
import { Collab, type ChatMessage } from "./collab";
import { refusedNotice } from "./refused";
import { startExtras } from "./extras"; // issue 7: shared notes, connection quality
import { isPhone, MoreMenu, shown } from "./more"; // phone layout: the toolbar's "More" menu
import type { Moderation } from "./moderation";
import type { E2ee } from "./e2ee"; // issue 8: loaded only when the meeting is encrypted
import { Session, type Msg, type RemoteTrack, type RoomSettings, type Status } from "./session";
import type { JoinOptions, Participant } from "./types";

const MIN_TILE = 160;
const GAP = 8;

/** Columns and tile width that make n 16:9 tiles as large as the stage allows. */
export function layout(n: number, w: number, hgt: number): { cols: number; tileW: number } {
  let best = { cols: 1, tileW: 0 };
  for (let cols = 1; cols <= Math.max(1, n); cols++) {
    const rows = Math.ceil(n / cols);
    const byW = (w - GAP * (cols - 1)) / cols;
    const byH = ((hgt - GAP * (rows - 1)) / rows) * (16 / 9);
    const tileW = Math.floor(Math.min(byW, byH));
    if (tileW > best.tileW) best = { cols, tileW };
  }
  if (best.tileW < MIN_TILE) {
    // Many tiles on a small screen: keep them legible and let the grid scroll.
    const cols = Math.max(1, Math.floor((w + GAP) / (MIN_TILE + GAP)));
    best = { cols, tileW: Math.floor((w - GAP * (cols - 1)) / cols) };
  }
  return best;
}

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const s = parts.length > 1 ? parts[0]![0]! + parts[parts.length - 1]![0]! : name.slice(0, 2);
  return s.toUpperCase();
}

class Tile {
  el: HTMLLIElement;
  video: HTMLVideoElement;
  private avatar: HTMLDivElement;
  private label: HTMLSpanElement;
  private mute: HTMLSpanElement;
  private track: MediaStreamTrack | null = null;

  constructor(
    public key: string,
    participant: string,
    public source: "camera" | "screen",
    local: boolean,
  ) {
    this.video = h("video", { autoplay: true, playsinline: true, muted: true });
    this.video.muted = true;
    if (local && source === "camera") this.video.classList.add("mirror");
    this.avatar = h("div", { class: "avatar", "aria-hidden": "true" });
    this.label = h("span", { class: "tile-name" });
    this.mute = h("span", { class: "tile-muted", role: "img" }, icon("micOff"));
    tr(this.mute, "meeting.muted", undefined, "aria-label");
    this.el = h(
      "li",
      {
        class: `tile ${source}`,
        "data-participant": participant,
        "data-source": source,
        "data-local": local ? "true" : "false",
      },
      this.video,
      this.avatar,
      h("div", { class: "tile-caption" }, this.mute, this.label),
    );
    this.setVideo(null);
    this.setAudioMuted(false);
  }

  setLabel(key: Key, name: string): void {
    tr(this.label, key, { name });
    this.avatar.textContent = initials(name);
  }

  setName(name: string): void {
    this.label.textContent = name;
    this.avatar.textContent = initials(name);
  }

  setVideo(track: MediaStreamTrack | null): void {
    if (track !== this.track) {
      this.track = track;
      this.video.srcObject = track ? new MediaStream([track]) : null;
      if (track) void this.video.play().catch(() => {});
    }
    this.refresh();
  }

  private videoOff = false;
  setVideoOff(off: boolean): void {
    this.videoOff = off;
    this.refresh();
  }

  /** Last-N: the SFU does not forward this camera now; show the avatar. */
  private forwarded = true;
  setForwarded(on: boolean): void {
    this.forwarded = on;
    this.el.dataset.forwarded = String(on);
    this.refresh();
  }

  /** Its connection dropped and the server keeps its seat: say so, show no frozen frame. */
  private reconnecting: HTMLElement | null = null;
  setReconnecting(on: boolean): void {
    if (on && !this.reconnecting) {
      this.reconnecting = h("span", { class: "tile-reconnecting", role: "status" });
      tr(this.reconnecting, "meeting.tileReconnecting");
      this.el.append(this.reconnecting);
    } else if (!on && this.reconnecting) {
      this.reconnecting.remove();
      this.reconnecting = null;
    }
    this.el.dataset.reconnecting = String(on);
    this.refresh();
  }

  private refresh(): void {
    const showing = !!this.track && !this.videoOff && this.forwarded && !this.reconnecting;
    this.el.classList.toggle("no-video", !showing);
    this.el.dataset.videoMuted = String(!showing);
  }

  setAudioMuted(m: boolean): void {
    this.mute.hidden = !m;
    this.el.dataset.audioMuted = String(m);
  }

  private actions: HTMLElement | null = null;
  setActions(el: HTMLElement | null): void {
    this.actions?.remove();
    this.actions = el;
    if (el) this.el.append(el);
  }

  setSpeaking(s: boolean): void {
    this.el.classList.toggle("speaking", s);
    this.el.dataset.speaking = String(s);
  }
}

export function startMeeting(root: HTMLElement, opts: JoinOptions): Dispose {
  let disposed = false;
  let room = opts.room;
  let code = opts.code;
  const prefs = loadPrefs();
  const participants = new Map<string, Participant>();
  const tiles = new Map<string, Tile>();
  const audios = new Map<string, HTMLAudioElement>();
  let remote: RemoteTrack[] = [];
  let micOn = opts.micOn;
  let camOn = opts.camOn;
  let screenTrack: MediaStreamTrack | null = null;
  rememberActive({ ...opts });
  const saveActive = () => rememberActive({ ...opts, room, code, micOn, camOn });

  document.title = `${room} — Palabre`;

  // ---- layout ----
  const heading = h("h1", { class: "room-name", tabindex: "-1" }, room);
  const codeEl = h("span", { class: "code", id: "meeting-code" });
  const countEl = h("span", { class: "count", id: "participant-count" });
  const banner = h("div", { class: "banner", role: "alert", id: "banner" });
  banner.hidden = true;
  const grid = h("ul", { class: "grid", id: "tiles" });
  tr(grid, "meeting.tiles", undefined, "aria-label");
  const stage = h("main", { class: "stage", id: "main" }, grid);
  const body = h("div", { class: "body" }, stage);
  const announcer = h("div", { class: "sr-only", "aria-live": "polite", id: "announcer" });
  const audioBox = h("div", { class: "audio-sink" });
  const unmuteAudio = tr(h("button", { type: "button", class: "btn unlock", id: "enable-sound" }), "meeting.playAudio");
  unmuteAudio.hidden = true;

  const micT = toggleButton("toggle-mic", "meeting.mic", "mic", "micOff", micOn);
  const camT = toggleButton("toggle-camera", "meeting.cam", "cam", "camOff", camOn);
  const scrT = toggleButton("toggle-screen", "meeting.screen", "screen", "screen", false);
  micT.btn.setAttribute("aria-keyshortcuts", "M");
  camT.btn.setAttribute("aria-keyshortcuts", "V");
  const inviteBtn = h("button", { type: "button", class: "toggle", id: "copy-invite" }, icon("invite"));
  inviteBtn.append(tr(h("span", { class: "sr-only" }), "meeting.invite"));
  tr(inviteBtn, "meeting.invite", undefined, "title");
  const leaveBtn = h("button", { type: "button", class: "toggle leave", id: "leave" }, icon("leave"));
  leaveBtn.append(tr(h("span", { class: "label" }), "meeting.leave"));
  const canShare = !!navigator.mediaDevices && "getDisplayMedia" in navigator.mediaDevices;
  scrT.btn.setAttribute("aria-keyshortcuts", "D");
  const viewBtn = h("button", { type: "button", class: "toggle", id: "toggle-view", "aria-pressed": "false" });
  viewBtn.append(icon("speaker"), tr(h("span", { class: "sr-only" }), "view.toggle"));
  tr(viewBtn, "view.toggle", undefined, "title");
  viewBtn.setAttribute("aria-keyshortcuts", "T");
  const fullBtn = h("button", { type: "button", class: "toggle", id: "toggle-fullscreen", "aria-pressed": "false" });
  fullBtn.append(icon("fullscreen"), tr(h("span", { class: "sr-only" }), "view.fullscreen"));
  tr(fullBtn, "view.fullscreen", undefined, "title");
  fullBtn.setAttribute("aria-keyshortcuts", "F");
  const keysBtn = h("button", { type: "button", class: "toggle", id: "show-shortcuts" });
  keysBtn.append(icon("keyboard"), tr(h("span", { class: "sr-only" }), "keys.open"));
  tr(keysBtn, "keys.open", undefined, "title");
  keysBtn.setAttribute("aria-keyshortcuts", "Shift+?");
  const toolbar = h(
    "div",
    { class: "toolbar", role: "toolbar", id: "toolbar" },
    micT.btn,
    camT.btn,
    canShare ? scrT.btn : null,
    inviteBtn,
    leaveBtn,
  );
  const more = new MoreMenu(); // items: more.add(...), see web/src/more.ts
  toolbar.insertBefore(more.button, leaveBtn);
  const quality = h("select", { id: "video-quality" });
  for (const q of ["off", "low", "standard", "high"] as const)
    quality.append(tr(h("option", { value: q }), `quality.${q}` as Key));
  quality.value = opts.audioOnly ? "off" : "standard";
  const qualityField = h(
    "div",
    { class: "quality" },
    tr(h("label", { for: "video-quality", class: "sr-only" }), "view.quality"),
    quality,
  );
  tr(quality, "view.quality", undefined, "title");
  tr(toolbar, "meeting.toolbar", undefined, "aria-label");
  const toast = h("div", { class: "toast", role: "status", id: "toast" });

  const view = h(
    "div",
    { class: "meeting" },
    h(
      "header",
      { class: "meeting-bar" },
      heading,
      h("div", { class: "meta" }, codeEl, countEl),
      qualityField,
      langSwitch(),
    ),
    banner,
    body,
    h("footer", { class: "controls" }, toolbar, more.menu, unmuteAudio),
    toast,
    announcer,
    audioBox,
  );
  root.append(view);

  const showCode = () => {
    if (code) tr(codeEl, "meeting.codeLabel", { code: formatCode(code) });
  };
  showCode();
  const showCount = () => {
    const n = participants.size + 1;
    if (n === 1) tr(countEl, "meeting.count1");
    else tr(countEl, "meeting.count", { n });
  };
  showCount();

  // ---- tiles ----
  const local = new Tile("local:camera", "local", "camera", true);
  local.setLabel("meeting.you", opts.name);
  tiles.set(local.key, local);

  let forwarded: Set<string> | null = null; // last-N: whose camera the SFU sends us
  // "Audio only": the SFU sends no video, so every remote tile shows its avatar, not a frozen frame.
  let receiveOff = !!opts.audioOnly;
  let speakerView = false;
  // A shared screen (and, at phone width, the active speaker) goes on the stage by itself,
  // unless the person chose the grid; a new screen share stages again.
  let gridChosen = false;
  let screensSeen = new Set<string>();
  const staged = () => {
    const screens = new Set([...tiles.keys()].filter((k) => k.endsWith(":screen") && k !== "local:screen"));
    if ([...screens].some((k) => !screensSeen.has(k))) gridChosen = false;
    screensSeen = screens;
    return speakerView || ((screens.size > 0 || isPhone()) && !gridChosen);
  };
  let focusKey: string | null = null;
  let currentSpeaker: string | null = null;
  const relayout = () => {
    const all = [...tiles.values()];
    const w = stage.clientWidth - 16;
    const hgt = stage.clientHeight - 16;
    let focus: Tile | null = null;
    const onStage = staged();
    viewBtn.setAttribute("aria-pressed", String(onStage));
    if (onStage && all.length > 1) {
      const speaking = currentSpeaker && tiles.get(`${currentSpeaker}:camera`);
      focus =
        all.find((x) => x.source === "screen" && x.key !== "local:screen") ??
        (speakerView ? all.find((x) => x.source === "screen") : undefined) ??
        (speaking && speaking !== local ? speaking : null) ??
        (focusKey ? tiles.get(focusKey) ?? null : null) ??
        all.find((x) => x !== local) ??
        null;
    }
    focusKey = focus?.key ?? null;
    const rank = (x: Tile) => (x === focus ? -1 : x.source === "screen" ? 0 : x === local ? 1 : 2);
    const ordered = all.sort((a, b) => rank(a) - rank(b));
    // Reorder only when needed, so playing videos are not needlessly moved.
    const current = [...grid.children];
    if (ordered.some((tl, i) => current[i] !== tl.el)) grid.replaceChildren(...ordered.map((x) => x.el));
    for (const x of ordered) x.el.classList.toggle("focus", x === focus);
    grid.classList.toggle("speaker-view", !!focus);
    if (focus) {
      const focusW = Math.floor(Math.min(w, ((hgt - 98) * 16) / 9));
      grid.style.setProperty("--focus-w", `${Math.max(focusW, MIN_TILE)}px`);
      // On a phone held upright, a camera on the stage is taller than 16:9 (cropped to fit).
      const tall = isPhone() && focus.source === "camera" && hgt > w;
      grid.style.setProperty("--focus-h", tall ? `${Math.floor(Math.min((w * 5) / 4, hgt - 98))}px` : "auto");
      grid.style.setProperty("--tile-w", `${MIN_TILE}px`);
    } else {
      const { cols, tileW } = layout(ordered.length, w, hgt);
      grid.style.setProperty("--cols", String(cols));
      grid.style.setProperty("--tile-w", `${tileW}px`);
    }
    sendConstraints();
  };
  // The SFU sends no larger simulcast layer than the height each video is shown at.
  let constraintsTimer = 0;
  let lastConstraints = "";
  const sendConstraints = () => {
    window.clearTimeout(constraintsTimer);
    constraintsTimer = window.setTimeout(() => {
      const tracks: Record<string, number> = {};
      const dpr = window.devicePixelRatio || 1;
      for (const r of remote) {
        if (r.kind !== "video") continue;
        const tile = tiles.get(`${r.participant}:${r.source === "screen" ? "screen" : "camera"}`);
        const shown = !!tile && tile.el.isConnected && !tile.el.classList.contains("no-video");
        tracks[r.track] = shown ? Math.round(tile.el.getBoundingClientRect().height * dpr) : 0;
      }
      const key = JSON.stringify(tracks);
      if (key === lastConstraints || key === "{}") return;
      lastConstraints = key;
      session.send({ type: "constraints", tracks });
    }, 250);
  };
  const ro = new ResizeObserver(() => relayout());
  ro.observe(stage);

  const announce = (key: Key, name: string) => {
    announcer.textContent = t(key, { name });
  };

  const upsertParticipant = (p: Participant) => {
    if (p.id === session.you?.id) return updateSelf(p);
    participants.set(p.id, p);
    let tile = tiles.get(`${p.id}:camera`);
    if (!tile) {
      tile = new Tile(`${p.id}:camera`, p.id, "camera", false);
      tiles.set(tile.key, tile);
      if (mod) tile.setActions(mod.tileMenu(p.id, () => participants.get(p.id)?.name ?? ""));
    }
    tile.el.dataset.role = p.role ?? "participant";
    tile.setName(p.name);
    tile.setAudioMuted(p.audioMuted);
    tile.setVideoOff(p.videoMuted);
    tile.setReconnecting(!!p.reconnecting);
    tile.setForwarded(!receiveOff && (forwarded === null || forwarded.has(p.id)));
    sendConstraints();
    const screen = tiles.get(`${p.id}:screen`);
    screen?.setLabel("meeting.screenOf", p.name);
  };
  const removeParticipant = (id: string) => {
    participants.delete(id);
    for (const key of [`${id}:camera`, `${id}:screen`]) {
      const tile = tiles.get(key);
      if (tile) {
        tile.setVideo(null);
        tile.el.remove();
        tiles.delete(key);
      }
    }
  };

  const applyRemote = (list: RemoteTrack[]) => {
    remote = list;
    const seenAudio = new Set<string>();
    const video = new Map<string, MediaStreamTrack>();
    for (const r of list) {
      if (r.kind === "audio") {
        seenAudio.add(r.media.id);
        let el = audios.get(r.media.id);
        if (!el) {
          el = h("audio", { autoplay: true });
          audios.set(r.media.id, el);
          audioBox.append(el);
          void setSpeaker(el, prefs.speaker);
        }
        el.dataset.participant = r.participant;
        if ((el.srcObject as MediaStream | null)?.getAudioTracks()[0] !== r.media) {
          el.srcObject = new MediaStream([r.media]);
        }
        el.play().catch(() => (unmuteAudio.hidden = false));
      } else {
        video.set(`${r.participant}:${r.source === "screen" ? "screen" : "camera"}`, r.media);
      }
    }
    for (const [id, el] of audios) {
      if (!seenAudio.has(id)) {
        el.srcObject = null;
        el.remove();
        audios.delete(id);
      }
    }
    for (const [key, track] of video) {
      let tile = tiles.get(key);
      const [pid] = key.split(":") as [string];
      if (!tile && key.endsWith(":screen")) {
        tile = new Tile(key, pid, "screen", false);
        tile.setLabel("meeting.screenOf", participants.get(pid)?.name ?? "");
        tile.setForwarded(!receiveOff);
        tiles.set(key, tile);
      }
      tile?.setVideo(track);
    }
    for (const [key, tile] of tiles) {
      if (tile === local || key === "local:screen") continue;
      if (!video.has(key)) {
        tile.setVideo(null);
        if (tile.source === "screen") {
          tile.el.remove();
          tiles.delete(key);
        }
      }
    }
    relayout();
  };
  unmuteAudio.addEventListener("click", () => {
    for (const el of audios.values()) void el.play().catch(() => {});
    unmuteAudio.hidden = true;
  });

  // ---- moderation (loaded only for moderators) ----
  let mod: Moderation | null = null;
  let modItem: (() => void) | null = null;
  let modLoading: Promise<void> | null = null;
  let settings: RoomSettings | undefined;
  let pendingLobby: { id: string; name: string }[] = [];
  const setModerator = (yes: boolean) => {
    view.dataset.role = yes ? "moderator" : "participant";
    if (!yes) {
      modItem?.();
      modItem = null;
      mod?.destroy();
      mod = null;
      for (const tile of tiles.values()) tile.setActions(null);
      return;
    }
    if (mod || modLoading) return;
    modLoading = import("./moderation").then(({ Moderation }) => {
      modLoading = null;
      if (disposed || session.you?.role !== "moderator") return;
      mod = new Moderation({
        session,
        spaceRoom: room.startsWith("space-"),
        togglePanel,
        anyPanelOpen,
        announce: (text) => (announcer.textContent = text),
        toast: (key) => showToast(key),
      });
      toolbar.insertBefore(mod.button, more.button);
      modItem = more.add({ id: "more-moderation", button: mod.button });
      panels.set(mod.panel, mod.button);
      body.append(mod.panel);
      mod.setSettings(settings);
      mod.setLobby(pendingLobby);
      for (const [key, tile] of tiles) {
        const pid = key.split(":")[0]!;
        if (tile.source === "camera" && tile !== local)
          tile.setActions(mod.tileMenu(pid, () => participants.get(pid)?.name ?? ""));
      }
    });
  };
  const setMic = (on: boolean) => {
    micOn = on;
    micT.set(on);
    localMedia.audioMuted = !on;
    if (localMedia.mic) localMedia.mic.enabled = on;
    showLocal();
    saveActive();
  };
  const stopCamera = async () => {
    if (!camOn) return;
    camOn = false;
    camT.set(false);
    const old = localMedia.cam;
    await session.setCamera(null);
    stopTrack(old);
    showLocal();
    saveActive();
  };
  /** The server's word about us: our role; on joining, "everyone starts muted" too (later
   * mutes by a moderator come as `muted`, and echoes of our own may be stale). */
  const updateSelf = (p: Participant, joining = false) => {
    if (session.you) session.you = p;
    local.setLabel("meeting.you", p.name); // a rename comes back this way
    local.el.dataset.role = p.role ?? "participant";
    setModerator(p.role === "moderator");
    if (!joining) return;
    if (p.audioMuted && micOn) setMic(false);
    if (p.videoMuted && camOn) void stopCamera();
  };
  let request: HTMLElement | null = null;
  const askUnmute = (kind: string, by: string) => {
    request?.remove();
    const name = participants.get(by)?.name ?? "";
    const accept = tr(h("button", { type: "button", class: "btn small primary", id: "accept-unmute" }), "mod.accept");
    const dismiss = tr(h("button", { type: "button", class: "btn small", id: "dismiss-unmute" }), "mod.dismiss");
    const bar = h(
      "div",
      { class: "request", role: "alert", id: "unmute-request" },
      tr(h("span"), kind === "video" ? "mod.askVideo" : "mod.askAudio", { name }),
      accept,
      dismiss,
    );
    accept.addEventListener("click", () => {
      bar.remove();
      if (kind === "video" ? !camOn : !micOn) (kind === "video" ? camT : micT).btn.click();
    });
    dismiss.addEventListener("click", () => bar.remove());
    request = bar;
    view.append(bar);
  };
  const onOther = (m: Msg) => {
    switch (m.type) {
      case "muted":
        if (m.kind === "video") {
          void stopCamera();
          showToast("mod.stoppedYourVideo");
        } else {
          setMic(false);
          showToast("mod.mutedYou");
        }
        break;
      case "unmute_requested":
        askUnmute(String(m.kind), String(m.by ?? ""));
        break;
      case "lobby_knock": {
        const k = m.knocker as { id: string; name: string };
        pendingLobby = [...pendingLobby.filter((x) => x.id !== k.id), k];
        mod?.knock(k);
        break;
      }
      case "lobby_left":
        pendingLobby = pendingLobby.filter((x) => x.id !== m.id);
        mod?.left(String(m.id));
        break;
      case "room_updated":
        settings = m.settings as RoomSettings;
        mod?.setSettings(settings);
        setE2ee(!!settings?.e2ee);
        break;
      case "e2ee_message":
      case "e2ee_chat":
        if (e2ee) e2ee.handle(m);
        else e2eeEarly.push(m);
        break;
      case "chat": {
        const msg = m.message as ChatMessage;
        collab.addMessage(msg);
        if (collab.chatPanel.hidden && msg.from !== session.you?.id)
          announcer.textContent = t("chat.newFrom", { name: msg.fromName });
        break;
      }
      case "hands":
        collab.setHands((m.order as string[]) ?? []);
        break;
      case "reaction":
        collab.showReaction(String(m.participant), String(m.emoji));
        break;
      case "notes_update":
        extras.onMessage(m);
        break;
      case "forwarded_video": {
        const list = m.participants as string[] | null;
        forwarded = Array.isArray(list) ? new Set(list) : null;
        for (const [key, tile] of tiles) {
          if (tile.source !== "camera" || tile === local) continue;
          const pid = key.split(":")[0]!;
          tile.setForwarded(!receiveOff && (forwarded === null || forwarded.has(pid)));
        }
        sendConstraints();
        break;
      }
      case "dominant_speaker":
        serverSpeaker = typeof m.participant === "string" ? m.participant : null;
        serverSpeakerAt = performance.now();
        break;
      case "tracks_refused": {
        document.getElementById("tracks-refused")?.remove();
        const notice = refusedNotice(m.tracks);
        if (notice) view.append(notice);
        break;
      }
      default:
        break;
    }
  };
  const askPassword = (code: string) => {
    const input = h("input", { type: "password", id: "room-password", autocomplete: "off", required: true });
    const msg = h("p", { class: "error", id: "password-error", role: "alert" });
    if (code === "wrong_password") tr(msg, "meeting.passwordWrong");
    if (code === "rate_limited") tr(msg, "meeting.passwordRate");
    input.setAttribute("aria-describedby", "password-error");
    const ok = tr(h("button", { type: "submit", class: "btn primary", id: "password-join" }), "meeting.passwordJoin");
    const cancel = tr(h("button", { type: "button", class: "btn", id: "password-cancel" }), "meeting.cancel");
    const form = h(
      "form",
      { method: "dialog" },
      tr(h("h2", { id: "password-title" }), "meeting.passwordTitle"),
      h("div", { class: "field" }, tr(h("label", { for: "room-password" }), "meeting.passwordLabel"), input),
      msg,
      h("div", { class: "actions" }, ok, cancel),
    );
    const dlg = h("dialog", { class: "invite", id: "password-dialog", "aria-labelledby": "password-title" }, form);
    form.addEventListener("submit", (e) => {
      e.preventDefault();
      if (!input.value) return input.focus();
      dlg.close();
      dlg.remove();
      session.retry(input.value);
    });
    cancel.addEventListener("click", () => {
      dlg.close();
      dlg.remove();
      rememberActive(null);
      navigate(roomPath(room));
    });
    view.append(dlg);
    dlg.showModal();
    input.focus();
  };
  const byeText = (reason: string): string => {
    const known = ["removed", "denied", "ended", "replaced", "room_locked", "host_required", "room_full", "e2ee_required", "space_meeting_closed"];
    return known.includes(reason) ? t(`bye.${reason}` as Key) : t("bye.other", { reason });
  };

  // ---- session ----
  const handed = takeHandOff();
  const session = new Session(
    room,
    opts.name,
    {
      mic: handed?.mic ?? null,
      cam: handed?.cam ?? null,
      screen: null,
      audioMuted: !micOn,
      videoMuted: !camOn,
      audioOnly: opts.audioOnly,
    },
    opts.token ?? null,
    {
      joined(info) {
        room = info.room;
        if (info.code) code = info.code;
        heading.textContent = room;
        document.title = `${room} — Palabre`;
        if (roomPath(room) !== location.pathname)
          history.replaceState(null, "", roomPath(room) + location.search);
        saveActive();
        showCode();
        for (const id of [...participants.keys()]) removeParticipant(id);
        forwarded = null;
        settings = info.settings;
        pendingLobby = info.lobby;
        mod?.setSettings(settings);
        mod?.setLobby(pendingLobby);
        updateSelf(info.you, true);
        for (const p of info.participants) if (p.id !== info.you.id) upsertParticipant(p);
        collab.setHistory((info.raw.chat as ChatMessage[] | undefined) ?? []);
        collab.setHands((info.raw.hands as string[] | undefined) ?? [], false);
        collab.refreshRecipients();
        lastConstraints = "";
        extras.onJoined();
        e2ee?.joined();
        setE2ee(!!settings?.e2ee);
        applyRemote([]);
        showCount();
      },
      participantJoined(p) {
        upsertParticipant(p);
        e2ee?.participantJoined(p);
        collab.refreshRecipients();
        collab.refreshPeople();
        announce("meeting.joinedAnn", p.name);
        showCount();
        relayout();
      },
      participantLeft(id) {
        const p = participants.get(id);
        removeParticipant(id);
        e2ee?.participantLeft(id);
        collab.refreshRecipients();
        collab.refreshPeople();
        if (p) announce("meeting.leftAnn", p.name);
        showCount();
        relayout();
      },
      participantUpdated(p) {
        upsertParticipant(p);
        collab.refreshPeople();
      },
      remoteTracks(list) {
        applyRemote(list);
        e2ee?.tracks(list);
      },
      status(s: Status) {
        banner.hidden = s === "connected";
        banner.className = `banner ${s}`;
        if (s === "reconnecting") tr(banner, "meeting.reconnecting");
        else if (s === "connecting") tr(banner, "meeting.connecting");
        else if (s === "lobby") tr(banner, "meeting.lobbyWaiting");
        view.dataset.status = s;
      },
      ended(reason) {
        finish(byeText(reason), false, reason);
      },
      refused(code, message) {
        if (code === "password_required" || code === "wrong_password" || code === "rate_limited")
          askPassword(code);
        else if (code === "token") finish(t("bye.token", { msg: message }), false, "token");
        else finish(byeText(code), code === "host_required" || code === "space_meeting_closed", code);
      },
      other(m) {
        onOther(m);
      },
      error(c, message) {
        console.warn("palabre:", c, message);
      },
    },
  );

  // ---- side panels (one at a time) ----
  const panels = new Map<HTMLElement, HTMLButtonElement>();
  const togglePanel = (
    panel: HTMLElement,
    button: HTMLButtonElement,
    open = panel.hidden,
    focus = true,
  ) => {
    if (!panels.has(panel)) {
      panels.set(panel, button);
      if (!panel.isConnected) body.append(panel);
    }
    for (const [p, b] of panels) {
      const on = p === panel && open;
      p.hidden = !on;
      b.setAttribute("aria-expanded", String(on));
    }
    if (!focus) return;
    if (open) panel.querySelector<HTMLElement>("h2")?.focus();
    else if (document.activeElement === document.body || panel.contains(document.activeElement))
      (shown(button) ? button : more.button).focus();
  };
  const anyPanelOpen = () => [...panels.keys()].some((p) => !p.hidden);

  const collab = new Collab({
    session,
    myId: () => session.you?.id,
    self: () => (session.you ? { ...session.you, audioMuted: !micOn, videoMuted: !camOn } : null),
    isModerator: () => session.you?.role === "moderator",
    participants: () => participants,
    tileOf: (pid) => (pid === session.you?.id ? local.el : tiles.get(`${pid}:camera`)?.el ?? null),
    announce: (text) => (announcer.textContent = text),
    notice: (key, vars) => showToast(key, vars), // raised hands: seen, and heard (role=status)
    togglePanel,
    sendChat: (text, to) => {
      if (!settings?.e2ee) return false;
      void (e2eeLoading ?? Promise.resolve()).then(() => e2ee?.sendChat(text, to));
      return true;
    },
    personExtra: (pid) => e2ee?.person(pid) ?? null,
  });
  toolbar.insertBefore(collab.handButton, inviteBtn);
  toolbar.insertBefore(collab.reactButton, inviteBtn);
  toolbar.insertBefore(collab.chatButton, inviteBtn);
  toolbar.insertBefore(collab.peopleButton, inviteBtn);
  toolbar.insertBefore(viewBtn, inviteBtn);
  toolbar.insertBefore(fullBtn, inviteBtn);
  toolbar.insertBefore(keysBtn, inviteBtn);
  view.append(collab.reactMenu);
  collab.chatPanel.hidden = collab.peoplePanel.hidden = true;
  panels.set(collab.chatPanel, collab.chatButton);
  panels.set(collab.peoplePanel, collab.peopleButton);
  body.append(collab.chatPanel, collab.peoplePanel);

  // ---- extras (web/src/extras): shared notes panel, connection-quality indicators ----
  const extras = startExtras({
    session,
    grid,
    togglePanel,
    announce: (text) => (announcer.textContent = text),
    name: (pid) => (pid === session.you?.id ? session.you?.name : participants.get(pid)?.name),
  });
  toolbar.insertBefore(extras.notesButton, inviteBtn);
  panels.set(extras.notes.panel, extras.notesButton);
  body.append(extras.notes.panel);

  // At phone width these are reached from the "More" menu (the essentials stay in the bar).
  if (canShare) more.add({ id: "more-screen", button: scrT.btn });
  more.add({ id: "more-people", button: collab.peopleButton });
  more.add({ id: "more-reactions", button: collab.reactButton });
  more.add({ id: "more-notes", button: extras.notesButton });
  more.add({ id: "more-view", button: viewBtn });
  more.add({ id: "more-fullscreen", button: fullBtn });
  more.add({ id: "more-invite", button: inviteBtn });
  more.add({ id: "more-shortcuts", button: keysBtn });

  // ---- end-to-end encryption (web/src/e2ee, loaded when the meeting is encrypted) ----
  let e2ee: E2ee | null = null;
  let e2eeLoading: Promise<void> | null = null;
  const e2eeEarly: Msg[] = []; // key exchange that came while the module loaded
  const setE2ee = (on: boolean) => {
    view.dataset.e2ee = String(on);
    // The shared notes are not encrypted: off in an encrypted meeting (the bar says so).
    extras.notesButton.hidden = on;
    if (on && !extras.notes.panel.hidden) togglePanel(extras.notes.panel, extras.notesButton, false, false);
    if (!on) {
      session.frames.holding = false;
      return e2ee?.disable();
    }
    if (e2ee) return e2ee.enable();
    session.frames.holding = true; // no clear frame goes out (or in) while it loads
    e2eeLoading ??= import("./e2ee").then(({ E2ee }) => {
      if (disposed) return;
      e2ee = new E2ee({
        session,
        participants: () => participants,
        addChat: (m) => collab.addMessage(m),
        refreshPeople: () => collab.refreshPeople(),
      });
      view.insertBefore(e2ee.badge, body);
      e2ee.tracks(remote);
      if (view.dataset.e2ee === "true") e2ee.enable();
      for (const m of e2eeEarly.splice(0)) e2ee.handle(m);
    });
  };

  viewBtn.addEventListener("click", () => {
    const on = !staged();
    speakerView = on;
    gridChosen = !on;
    relayout();
  });
  const toggleFullscreen = () => {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else void view.requestFullscreen?.().catch(() => {});
  };
  const onFullscreen = () => fullBtn.setAttribute("aria-pressed", String(!!document.fullscreenElement));
  document.addEventListener("fullscreenchange", onFullscreen);
  fullBtn.addEventListener("click", toggleFullscreen);
  quality.addEventListener("change", () => {
    session.setReceive(quality.value);
    receiveOff = quality.value === "off";
    for (const [key, tile] of tiles) {
      if (tile === local || key === "local:screen") continue;
      const pid = key.split(":")[0]!;
      const lastN = tile.source === "screen" || forwarded === null || forwarded.has(pid);
      tile.setForwarded(!receiveOff && lastN);
    }
    sendConstraints();
  });
  if (opts.audioOnly) session.setReceive("off");

  // ---- settings dialog (web/src/settings.ts); its toolbar button is placed here only ----
  const settingsBtn = settingsButton();
  toolbar.insertBefore(settingsBtn, leaveBtn);
  more.add({ id: "more-settings", button: settingsBtn }); // in the More menu at phone width
  settingsBtn.addEventListener("click", () => {
    const remember = (change: Partial<typeof prefs>) => {
      Object.assign(prefs, change);
      savePrefs(prefs);
    };
    void openSettings(
      {
        prefs,
        name: () => session.you?.name ?? opts.name,
        quality,
        useCamera: async (id) => {
          remember({ camera: id });
          if (!camOn) return;
          const old = localMedia.cam;
          try {
            await session.setCamera(await getCamera(id));
            stopTrack(old);
          } catch {
            /* keep the camera we had */
          }
          showLocal();
        },
        useMicrophone: async (id) => {
          remember({ microphone: id });
          const old = localMedia.mic;
          try {
            await session.setMicrophone(await getMicrophone(id));
            if (localMedia.mic) localMedia.mic.enabled = micOn;
            stopTrack(old);
          } catch {
            /* keep the microphone we had */
          }
        },
        useSpeaker: async (id) => {
          remember({ speaker: id });
          for (const el of audios.values()) await setSpeaker(el, id);
        },
        rename: (name) => session.send({ type: "rename", name }),
      },
      settingsBtn,
    );
  });

  const shortcuts: [string, Key][] = [
    ["M", "keys.m"],
    ["V", "keys.v"],
    ["D", "keys.d"],
    ["R", "keys.r"],
    ["C", "keys.c"],
    ["T", "keys.t"],
    ["F", "keys.f"],
    ["Space", "keys.space"],
    ["?", "keys.help"],
  ];
  const showShortcuts = () => {
    const close = tr(h("button", { type: "button", class: "btn", id: "shortcuts-close" }), "meeting.close");
    const list = h(
      "dl",
      { class: "shortcuts" },
      ...shortcuts.flatMap(([k, key]) => [
        h("dt", {}, k === "Space" ? tr(h("kbd"), "keys.spaceKey") : h("kbd", {}, k)),
        tr(h("dd"), key),
      ]),
    );
    const dlg = h(
      "dialog",
      { class: "invite", id: "shortcuts-dialog", "aria-labelledby": "shortcuts-title" },
      tr(h("h2", { id: "shortcuts-title" }), "keys.title"),
      list,
      close,
    );
    close.addEventListener("click", () => dlg.close());
    dlg.addEventListener("close", () => {
      dlg.remove();
      keysBtn.focus();
    });
    view.append(dlg);
    dlg.showModal();
    close.focus();
  };
  keysBtn.addEventListener("click", showShortcuts);

  const hook = {
    get session() {
      return session;
    },
    get pub() {
      return session.pub;
    },
    get sub() {
      return session.sub;
    },
    get you() {
      return session.you;
    },
    get e2ee() {
      return e2ee;
    },

    get remote() {
      return remote.map((r) => ({
        mid: r.mid,
        participant: r.participant,
        kind: r.kind,
        source: r.source,
        trackId: r.media.id,
      }));
    },
  };
  (window as unknown as { __palabre: unknown }).__palabre = hook;

  // ---- local media ----
  const localMedia = session.local;
  const showLocal = () => {
    local.setVideo(localMedia.cam);
    local.setAudioMuted(!micOn);
  };

  void (async () => {
    // After a reload (or a device that failed on the prejoin page), capture again with the
    // remembered choices.
    if (!handed) {
      try {
        localMedia.mic = await getMicrophone(prefs.microphone);
      } catch {
        /* join without a microphone */
      }
    }
    if (localMedia.mic) localMedia.mic.enabled = micOn;
    if (camOn && !localMedia.cam) {
      try {
        localMedia.cam = await getCamera(prefs.camera);
      } catch {
        camOn = false;
        localMedia.videoMuted = true;
        camT.set(false);
      }
    }
    if (disposed) {
      stopTrack(localMedia.mic);
      stopTrack(localMedia.cam);
      return;
    }
    showLocal();
    relayout();
    session.start();
  })();

  micT.btn.addEventListener("click", async () => {
    const on = !micOn;
    setMic(on);
    if (on && !localMedia.mic) {
      try {
        await session.setMicrophone(await getMicrophone(prefs.microphone));
      } catch {
        /* stays without a microphone */
      }
    }
    session.setAudioMuted(!on);
  });

  camT.btn.addEventListener("click", async () => {
    camOn = !camOn;
    camT.set(camOn);
    if (camOn) {
      try {
        await session.setCamera(await getCamera(prefs.camera));
      } catch {
        camOn = false;
        camT.set(false);
      }
    } else {
      const old = localMedia.cam;
      await session.setCamera(null);
      stopTrack(old);
    }
    showLocal();
    saveActive();
  });

  const stopScreen = async () => {
    const tr0 = screenTrack;
    screenTrack = null;
    scrT.set(false);
    const tile = tiles.get("local:screen");
    if (tile) {
      tile.setVideo(null);
      tile.el.remove();
      tiles.delete("local:screen");
    }
    relayout();
    await session.setScreen(null);
    stopTrack(tr0);
  };
  scrT.btn.addEventListener("click", async () => {
    if (screenTrack) return stopScreen();
    let track: MediaStreamTrack;
    try {
      const s = await navigator.mediaDevices.getDisplayMedia({
        video: { frameRate: { max: 15 } },
        audio: false,
      });
      track = s.getVideoTracks()[0]!;
    } catch {
      return; // the person cancelled
    }
    track.contentHint = "detail";
    track.addEventListener("ended", () => {
      if (screenTrack === track) void stopScreen();
    });
    screenTrack = track;
    scrT.set(true);
    const tile = new Tile("local:screen", "local", "screen", true);
    tile.setLabel("meeting.yourScreen", opts.name);
    tile.setVideo(track);
    tiles.set(tile.key, tile);
    relayout();
    await session.setScreen(track);
  });

  // ---- invitation ----
  let toastTimer = 0;
  const showToast = (key: Key, vars?: Record<string, string | number>) => {
    tr(toast, key, vars);
    toast.classList.add("show");
    window.clearTimeout(toastTimer);
    toastTimer = window.setTimeout(() => {
      toast.classList.remove("show");
      toast.textContent = "";
    }, 3000);
  };
  const inviteText = () =>
    t("meeting.inviteText", {
      room,
      link: location.origin + roomPath(room),
      code: code ? formatCode(code) : "—",
    });
  inviteBtn.addEventListener("click", async () => {
    const text = inviteText();
    try {
      await navigator.clipboard.writeText(text);
      showToast("meeting.copied");
    } catch {
      showInviteDialog(text);
    }
  });
  const showInviteDialog = (text: string) => {
    const area = h("textarea", { readonly: true, rows: "4", id: "invite-text", "aria-labelledby": "invite-title" });
    area.value = text;
    const close = tr(h("button", { type: "button", class: "btn" }), "meeting.close");
    const dlg = h(
      "dialog",
      { class: "invite", "aria-labelledby": "invite-title" },
      tr(h("h2", { id: "invite-title" }), "meeting.inviteTitle"),
      area,
      close,
    );
    close.addEventListener("click", () => dlg.close());
    dlg.addEventListener("close", () => {
      dlg.remove();
      inviteBtn.focus();
    });
    view.append(dlg);
    dlg.showModal();
    area.select();
  };

  // ---- leaving ----
  const finish = (message: string | null, signIn = false, why = "left") => {
    if (disposed) return;
    cleanup();
    rememberActive(null);
    document.title = "Palabre";
    const rejoin = tr(h("button", { type: "button", class: "btn primary big", id: "rejoin" }), "meeting.rejoin");
    const home = tr(h("button", { type: "button", class: "btn", id: "go-home" }), "meeting.home");
    rejoin.addEventListener("click", () => navigate(roomPath(room)));
    home.addEventListener("click", () => navigate("/"));
    const exit = exitPage(why);
    rejoin.hidden = !exit.rejoin;
    const newMeeting = tr(h("button", { type: "button", class: "btn", id: "exit-new-meeting" }), "bye.newMeeting");
    newMeeting.hidden = !exit.newMeeting;
    newMeeting.addEventListener("click", async () => {
      newMeeting.disabled = true;
      try {
        navigate(roomPath((await createRoom()).room));
      } catch {
        newMeeting.disabled = false;
      }
    });
    const heading2 = tr(h("h1", { tabindex: "-1", id: "exit-title", "data-exit": exit.kind }), exit.title);
    root.replaceChildren(
      h(
        "main",
        { class: "home left", id: "main" },
        h(
          "section",
          { class: "card" },
          heading2,
          message ? h("p", { class: "tagline", id: "end-reason" }, message) : null,
          signIn
            ? tr(
                h("a", { href: `/auth/login?next=${encodeURIComponent(roomPath(room))}`, id: "sign-in" }),
                "auth.signIn",
              )
            : null,
          h("div", { class: "actions" }, rejoin, newMeeting, home),
        ),
      ),
    );
    heading2.focus();
  };
  leaveBtn.addEventListener("click", async () => {
    leaveBtn.disabled = true;
    await session.leave();
    finish(null);
  });

  // ---- keyboard ----
  let talking = false;
  const onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.repeat) return;
    const target = e.target as HTMLElement | null;
    const tag = target?.tagName ?? "";
    if (["INPUT", "TEXTAREA", "SELECT"].includes(tag) || target?.isContentEditable) return;
    if (document.querySelector("dialog[open]")) return;
    const k = e.key.toLowerCase();
    if (k === " ") {
      // Push to talk: only when no control has the focus (space presses buttons).
      if (tag === "BUTTON" || tag === "A" || micOn) return;
      e.preventDefault();
      talking = true;
      setMic(true);
      session.setAudioMuted(false);
      return;
    }
    const actions: Record<string, () => void> = {
      m: () => micT.btn.click(),
      v: () => camT.btn.click(),
      d: () => canShare && scrT.btn.click(),
      r: () => collab.raiseOrLowerHand(),
      c: () => collab.toggleChat(),
      t: () => viewBtn.click(),
      f: () => toggleFullscreen(),
      "?": () => showShortcuts(),
    };
    const act = actions[k];
    if (act) {
      e.preventDefault();
      act();
    }
  };
  const onKeyUp = (e: KeyboardEvent) => {
    if (e.key === " " && talking) {
      talking = false;
      setMic(false);
      session.setAudioMuted(true);
    }
  };
  document.addEventListener("keyup", onKeyUp);
  toolbar.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
    const btns = [...toolbar.querySelectorAll("button")].filter((b) => shown(b));
    const i = btns.indexOf(document.activeElement as HTMLButtonElement);
    if (i < 0) return;
    const next = btns[(i + (e.key === "ArrowRight" ? 1 : btns.length - 1)) % btns.length];
    next?.focus();
    e.preventDefault();
  });
  document.addEventListener("keydown", onKey);
  const onEscape = (e: KeyboardEvent) => {
    if (e.key !== "Escape" || e.defaultPrevented || document.querySelector("dialog[open]")) return;
    // Menus of their own (a tile's, the reactions) close themselves.
    const target = e.target as HTMLElement | null;
    if (target?.closest?.("#tiles, #reaction-menu")) return;
    if (more.isOpen) {
      e.preventDefault();
      return more.close(true);
    }
    const open = [...panels].find(([p]) => !p.hidden);
    if (!open) return;
    e.preventDefault();
    togglePanel(open[0], open[1], false, false);
    (shown(open[1]) ? open[1] : more.button).focus();
  };
  document.addEventListener("keydown", onEscape);
  const onHide = () => session.leaveNow();
  window.addEventListener("pagehide", onHide);

  // ---- active speaker ----
  let speaker: string | null = null;
  let speakerUntil = 0;
  let serverSpeaker: string | null = null;
  let serverSpeakerAt = -1e9;
  const poll = window.setInterval(async () => {
    const levels = new Map<string, number>();
    const byTrack = new Map(remote.filter((r) => r.kind === "audio").map((r) => [r.media.id, r.participant]));
    try {
      const sub = session.sub;
      if (sub) {
        (await sub.getStats()).forEach((r: Record<string, unknown>) => {
          if (r.type === "inbound-rtp" && r.kind === "audio") {
            const pid = byTrack.get(String(r.trackIdentifier));
            if (pid && typeof r.audioLevel === "number") levels.set(pid, r.audioLevel);
          }
        });
      }
      const pub = session.pub;
      if (pub && micOn) {
        (await pub.getStats()).forEach((r: Record<string, unknown>) => {
          if (r.type === "media-source" && r.kind === "audio" && typeof r.audioLevel === "number")
            levels.set("local", r.audioLevel);
        });
      }
    } catch {
      return;
    }
    let loudest: string | null = null;
    let max = 0.02;
    for (const [pid, lv] of levels) {
      const p = participants.get(pid);
      if (p?.audioMuted) continue;
      if (lv > max) (max = lv), (loudest = pid);
    }
    const now = performance.now();
    if (loudest) {
      speaker = loudest;
      speakerUntil = now + 1200;
    } else if (now > speakerUntil) speaker = null;
    // The SFU's dominant speaker (from RFC 6464 levels) wins while it is fresh.
    let who = speaker === "local" ? (session.you?.id ?? null) : speaker;
    if (now - serverSpeakerAt < 5000 && serverSpeaker) who = serverSpeaker;
    if (who === session.you?.id && !micOn) who = null;
    for (const tile of tiles.values()) {
      const pid = tile === local ? session.you?.id : tile.el.dataset.participant;
      tile.setSpeaking(tile.source === "camera" && !!who && pid === who);
    }
    if (who !== currentSpeaker) {
      currentSpeaker = who;
      if (staged()) relayout();
    }
  }, 300);

  const cleanup = () => {
    disposed = true;
    window.clearInterval(poll);
    ro.disconnect();
    document.removeEventListener("keydown", onKey);
    document.removeEventListener("keydown", onEscape);
    more.dispose();
    document.removeEventListener("keyup", onKeyUp);
    document.removeEventListener("fullscreenchange", onFullscreen);
    window.removeEventListener("pagehide", onHide);
    extras.dispose();
    e2ee?.dispose();
    session.leaveNow();
    stopTrack(localMedia.mic);
    stopTrack(localMedia.cam);
    stopTrack(screenTrack);
    for (const el of audios.values()) el.srcObject = null;
    for (const tile of tiles.values()) tile.setVideo(null);
  };

  heading.focus({ preventScroll: true });
  return () => {
    if (!disposed) {
      cleanup();
      rememberActive(null);
    }
  };
}
