// A meeting in progress: the wiring between its parts (page, controls, grid, our devices,
// remote audio, panels, collaboration, extras, moderation, encryption, keyboard, speaker)
// and the session's events.

import { formatCode } from "../api";
import { navigate, rememberActive, roomPath } from "../app";
import { Collab, type ChatMessage } from "../collab";
import type { Background } from "../effects";
import { startExtras, type Extras } from "../extras"; // issue 7: shared notes, connection quality
import { t } from "../i18n";
import { loadPrefs, savePrefs, takeHandOff, type SendQuality } from "../media";
import { refusedNotice } from "../refused";
import type { RecordingStatus } from "../protocol.gen";
import { Session, type JoinedInfo, type Knocker, type Msg, type RemoteTrack, type RoomSettings } from "../session";
import { openSettings } from "../settings";
import type { JoinOptions, Participant } from "../types";
import { RemoteAudio } from "./audio";
import { Controls } from "./controls";
import { Devices } from "./devices";
import { askPassword, showInvite, showShortcuts, UnmuteRequest } from "./dialogs";
import { Encryption } from "./encryption";
import { byeText, showFarewell } from "./farewell";
import { Grid, tileKey } from "./grid";
import { exposeForTests } from "./hook";
import { bindKeyboard } from "./keyboard";
import { ModeratorSeat } from "./moderator";
import { PeerToPeer } from "./p2p";
import { MeetingPage } from "./page";
import { Panels } from "./panels";
import { RecordingNotice } from "./recording";
import { Breakouts } from "./breakouts";
import { Polls } from "./polls";
import { ActiveSpeaker } from "./speaker";

export class Meeting {
  private disposed = false;
  private room: string;
  private code: string | undefined;
  private settings: RoomSettings | undefined;
  /** What we receive: the SFU's tracks (`sfuRemote`), the other's from the direct connection
   * while two meet peer to peer (`remote`, what the tiles and speakers show). */
  private remote: RemoteTrack[] = [];
  private sfuRemote: RemoteTrack[] = [];
  private readonly prefs = loadPrefs();
  private readonly participants = new Map<string, Participant>();
  private readonly controls: Controls;
  private readonly audio: RemoteAudio;
  private readonly page: MeetingPage;
  private readonly grid: Grid;
  private readonly session: Session;
  private readonly devices: Devices;
  private readonly panels: Panels;
  private readonly collab: Collab;
  private readonly extras: Extras;
  private readonly seat: ModeratorSeat;
  private readonly encryption: Encryption;
  private readonly unmute: UnmuteRequest;
  private readonly speaker: ActiveSpeaker;
  private readonly recording: RecordingNotice;
  private readonly p2p: PeerToPeer;
  private readonly polls: Polls;
  private readonly breakouts: Breakouts;
  private removeBreakoutsItem: (() => void) | null = null;
  /** The room of the last `joined`: the main room's, or a breakout room's. */
  private joinedRoom: string | undefined;
  private readonly unbind: (() => void)[] = [];

  constructor(
    private root: HTMLElement,
    private opts: JoinOptions,
  ) {
    this.room = opts.room;
    this.code = opts.code;
    rememberActive({ ...opts });
    document.title = `${this.room} — Palabre`;
    this.controls = new Controls(opts.micOn, opts.camOn, opts.audioOnly);
    this.audio = new RemoteAudio(() => this.prefs.speaker);
    this.page = new MeetingPage(this.room, this.controls, this.audio);
    root.append(this.page.view);
    this.page.showCode(this.code);
    this.showCount();
    this.grid = this.makeGrid();
    const handed = takeHandOff();
    this.session = this.makeSession(handed);
    this.p2p = this.makeP2p();
    this.devices = this.makeDevices();
    this.panels = new Panels(this.page.body, this.controls.more);
    this.collab = this.makeCollab();
    this.extras = this.makeExtras();
    this.polls = this.makePolls();
    this.breakouts = this.makeBreakouts();
    this.controls.place({
      polls: this.polls.button,
      collab: [this.collab.handButton, this.collab.reactButton, this.collab.chatButton, this.collab.peopleButton],
      notes: this.extras.notesButton,
      board: this.extras.boardButton,
      people: this.collab.peopleButton,
      reactions: this.collab.reactButton,
    });
    this.seat = this.makeSeat();
    this.encryption = this.makeEncryption();
    this.unmute = new UnmuteRequest(this.page.view);
    this.recording = new RecordingNotice(this.page.view, () => this.controls.leave.click(), (key) => this.page.toast(key));
    this.page.showRecording(this.recording.badge);
    this.bindControls();
    this.unbind.push(this.bindKeyboard());
    exposeForTests(this.session, () => this.encryption.e2ee, () => this.remote, () => this.p2p);
    this.speaker = this.makeSpeaker();
    void this.devices.capture(!!handed);
    this.page.heading.focus({ preventScroll: true });
  }

  /** Leaves the page (the router went elsewhere). */
  dispose(): void {
    if (this.disposed) return;
    this.cleanup();
    rememberActive(null);
  }

  // ---- the parts ----

  private makeGrid(): Grid {
    const { page } = this;
    return new Grid(
      {
        stage: page.stage,
        grid: page.grid,
        viewButton: this.controls.view,
        name: this.opts.name,
        send: (m) => this.session.send(m),
        remote: () => this.remote,
      },
      !!this.opts.audioOnly,
    );
  }

  private makeSession(handed: ReturnType<typeof takeHandOff>): Session {
    const { opts } = this;
    const local = {
      mic: handed?.mic ?? null,
      cam: handed?.cam ?? null,
      screen: null,
      audioMuted: !opts.micOn,
      videoMuted: !opts.camOn,
      audioOnly: opts.audioOnly,
    };
    return new Session(this.room, opts.name, local, opts.token ?? null, {
      joined: (info) => this.joined(info),
      participantJoined: (p) => this.participantJoined(p),
      participantLeft: (id) => this.participantLeft(id),
      participantUpdated: (p) => {
        this.upsertParticipant(p);
        this.collab.refreshPeople();
      },
      remoteTracks: (list) => {
        this.applyRemote(list);
        this.encryption.e2ee?.tracks(list);
      },
      status: (s) => this.page.showStatus(s),
      ended: (reason) => this.finish(byeText(reason), false, reason),
      refused: (code, message) => this.refused(code, message),
      other: (m) => this.onMessage(m),
      error: (c, message) => console.warn("palabre:", c, message),
    });
  }

  /** Peer-to-peer for two: the direct connection, and the switches to and from the SFU. */
  private makeP2p(): PeerToPeer {
    const { session } = this;
    const p2p = new PeerToPeer({
      send: (m) => session.send(m),
      local: () => ({ microphone: session.local.mic, camera: session.local.cam, screen: session.local.screen }),
      sfuSending: (on) => session.sfuSending(on),
      sfuRemote: () => this.sfuRemote,
      sfuConnection: () => session.sub,
      participant: (id) => this.participants.get(id),
      changed: () => this.showRemote(),
    });
    session.onLocal = () => p2p.localChanged();
    return p2p;
  }

  private makeDevices(): Devices {
    return new Devices(
      {
        session: this.session,
        controls: this.controls,
        grid: this.grid,
        prefs: this.prefs,
        name: this.opts.name,
        changed: () => this.saveActive(),
        disposed: () => this.disposed,
        notice: (key) => this.page.toast(key),
      },
      this.opts.micOn,
      this.opts.camOn,
    );
  }

  private makeCollab(): Collab {
    const { session, devices, page, grid } = this;
    const collab = new Collab({
      session,
      myId: () => session.you?.id,
      self: () => (session.you ? { ...session.you, audioMuted: !devices.micOn, videoMuted: !devices.camOn } : null),
      isModerator: () => session.you?.role === "moderator",
      participants: () => this.participants,
      tileOf: (pid) => (pid === session.you?.id ? grid.local.el : grid.camera(pid)?.el ?? null),
      announce: page.announce,
      notice: (key, vars) => page.toast(key, vars), // raised hands: seen, and heard (role=status)
      togglePanel: this.panels.toggle,
      sendChat: (text, to) => {
        if (!this.settings?.e2ee) return false;
        this.encryption.sendChat(text, to);
        return true;
      },
      personExtra: (pid) => this.encryption.e2ee?.person(pid) ?? null,
    });
    page.view.append(collab.reactMenu);
    collab.chatPanel.hidden = collab.peoplePanel.hidden = true;
    this.panels.add(collab.chatPanel, collab.chatButton);
    this.panels.add(collab.peoplePanel, collab.peopleButton);
    return collab;
  }

  private makePolls(): Polls {
    const { session, page } = this;
    const polls = new Polls({
      session,
      isModerator: () => session.you?.role === "moderator",
      nameOf: (pid) => (pid === session.you?.id ? t("chat.you") : this.participants.get(pid)?.name ?? "?"),
      togglePanel: this.panels.toggle,
      notice: (key, vars) => page.toast(key, vars),
    });
    this.panels.add(polls.panel, polls.button);
    return polls;
  }

  private makeBreakouts(): Breakouts {
    const { session, page } = this;
    const breakouts = new Breakouts({
      session,
      isModerator: () => session.you?.role === "moderator",
      present: () => [...this.participants.values()].map((p) => ({ id: p.id, name: p.name })),
      togglePanel: this.panels.toggle,
      notice: (key, vars) => page.toast(key, vars),
      announce: page.announce,
      menuItem: (on) => {
        this.removeBreakoutsItem?.();
        this.removeBreakoutsItem = on ? this.controls.addMenuItem("more-breakouts", "breakout.open", breakouts.button) : null;
      },
    });
    this.panels.add(breakouts.panel, breakouts.button);
    page.body.before(breakouts.banner);
    return breakouts;
  }

  /** client/src/extras: the shared notes panel, connection-quality indicators. */
  private makeExtras(): Extras {
    const { session } = this;
    const extras = startExtras({
      session,
      grid: this.page.grid,
      togglePanel: this.panels.toggle,
      announce: this.page.announce,
      name: (pid) => (pid === session.you?.id ? session.you?.name : this.participants.get(pid)?.name),
    });
    this.panels.add(extras.notes.panel, extras.notesButton);
    this.panels.add(extras.board.panel, extras.boardButton);
    return extras;
  }

  private makeSeat(): ModeratorSeat {
    return new ModeratorSeat({
      session: this.session,
      view: this.page.view,
      controls: this.controls,
      panels: this.panels,
      grid: this.grid,
      room: () => this.room,
      nameOf: (pid) => this.participants.get(pid)?.name ?? "",
      announce: this.page.announce,
      toast: (key) => this.page.toast(key),
      disposed: () => this.disposed,
    });
  }

  private makeEncryption(): Encryption {
    const { extras } = this;
    return new Encryption({
      session: this.session,
      view: this.page.view,
      body: this.page.body,
      participants: this.participants,
      addChat: (m) => this.collab.addMessage(m),
      refreshPeople: () => this.collab.refreshPeople(),
      remote: () => this.remote,
      // The shared notes and the board are not encrypted: off in an encrypted meeting.
      changed: (on) => {
        extras.notesButton.hidden = on;
        extras.board.setEncrypted(on);
        if (on && !extras.notes.panel.hidden) this.panels.toggle(extras.notes.panel, extras.notesButton, false, false);
      },
      disposed: () => this.disposed,
    });
  }

  private makeSpeaker(): ActiveSpeaker {
    return new ActiveSpeaker({
      session: this.session,
      participants: this.participants,
      remote: () => this.remote,
      micOn: () => this.devices.micOn,
      show: (who) => this.grid.showSpeaker(who, this.session.you?.id),
    });
  }

  // ---- the controls ----

  private bindControls(): void {
    const { controls, session, page } = this;
    controls.view.addEventListener("click", () => this.grid.toggleView());
    controls.fullscreen.addEventListener("click", () => this.toggleFullscreen());
    const onFullscreen = () => controls.fullscreen.setAttribute("aria-pressed", String(!!document.fullscreenElement));
    document.addEventListener("fullscreenchange", onFullscreen);
    this.unbind.push(() => document.removeEventListener("fullscreenchange", onFullscreen));
    controls.quality.addEventListener("change", () => {
      session.setReceive(controls.quality.value);
      this.grid.setReceiveOff(controls.quality.value === "off");
    });
    if (this.opts.audioOnly) session.setReceive("off");
    controls.settings.addEventListener("click", () => this.openSettings());
    controls.keys.addEventListener("click", () => showShortcuts(page.view, controls.keys));
    controls.invite.addEventListener("click", () => void this.invite());
    controls.leave.addEventListener("click", async () => {
      controls.leave.disabled = true;
      await session.leave();
      this.finish(null);
    });
    const onHide = () => session.leaveNow();
    window.addEventListener("pagehide", onHide);
    this.unbind.push(() => window.removeEventListener("pagehide", onHide));
  }

  private bindKeyboard(): () => void {
    const { controls, collab, devices } = this;
    return bindKeyboard({
      toolbar: controls.toolbar,
      more: controls.more,
      panels: this.panels,
      micOn: () => devices.micOn,
      talk: (on) => devices.talk(on),
      actions: {
        m: () => controls.mic.btn.click(),
        v: () => controls.cam.btn.click(),
        d: () => controls.canShare && controls.screen.btn.click(),
        r: () => collab.raiseOrLowerHand(),
        c: () => collab.toggleChat(),
        t: () => controls.view.click(),
        f: () => this.toggleFullscreen(),
        "?": () => showShortcuts(this.page.view, controls.keys),
      },
    });
  }

  private toggleFullscreen(): void {
    if (document.fullscreenElement) void document.exitFullscreen().catch(() => {});
    else void this.page.view.requestFullscreen?.().catch(() => {});
  }

  private openSettings(): void {
    const { prefs, devices, session } = this;
    const remember = (change: Partial<typeof prefs>) => {
      Object.assign(prefs, change);
      savePrefs(prefs);
    };
    const host = {
      prefs,
      name: () => session.you?.name ?? this.opts.name,
      quality: this.controls.quality,
      useCamera: async (id: string) => {
        remember({ camera: id });
        await devices.useCamera(id);
      },
      useMicrophone: async (id: string) => {
        remember({ microphone: id });
        await devices.useMicrophone(id);
      },
      useBackground: (b: Background) => devices.useBackground(b),
      useSendQuality: async (send: SendQuality) => {
        remember({ send });
        await devices.useCamera(prefs.camera ?? ""); // captured again at that size
      },
      useSpeaker: async (id: string) => {
        remember({ speaker: id });
        await this.audio.setSpeaker(id);
      },
      rename: (name: string) => session.send({ type: "rename", name }),
    };
    void openSettings(host, this.controls.settings);
  }

  private async invite(): Promise<void> {
    const text = t("meeting.inviteText", {
      room: this.room,
      link: location.origin + roomPath(this.room),
      code: this.code ? formatCode(this.code) : "—",
    });
    try {
      await navigator.clipboard.writeText(text);
      this.page.toast("meeting.copied");
    } catch {
      showInvite(this.page.view, text, this.controls.invite);
    }
  }

  // ---- the session's events ----

  private saveActive(): void {
    const { room, code, devices } = this;
    rememberActive({ ...this.opts, room, code, micOn: devices.micOn, camOn: devices.camOn });
  }

  private showCount(): void {
    this.page.showCount(this.participants.size + 1);
  }

  private joined(info: JoinedInfo): void {
    // In a breakout room, the meeting is still its main room's (the address, a rejoin).
    const seat = info.raw.breakout ?? null;
    this.room = seat?.main ?? info.room;
    if (info.code) this.code = info.code;
    this.page.showRoom(seat ? `${this.room} · ${seat.name}` : this.room);
    if (roomPath(this.room) !== location.pathname)
      history.replaceState(null, "", roomPath(this.room) + location.search);
    this.saveActive();
    this.page.showCode(this.code);
    for (const id of [...this.participants.keys()]) this.removeParticipant(id);
    this.grid.setForwarded(null);
    this.settings = info.settings;
    this.extras.onSettings(info.settings);
    this.seat.joined(info.settings, info.lobby);
    this.updateSelf(info.you, true);
    for (const p of info.participants) if (p.id !== info.you.id) this.upsertParticipant(p);
    const { collab } = this;
    if (this.joinedRoom !== undefined && this.joinedRoom !== info.raw.room) collab.clearHistory();
    this.joinedRoom = info.raw.room; // (info.room is the meeting's: the main room's name)
    collab.setHistory((info.raw.chat as ChatMessage[] | undefined) ?? []);
    collab.setHands((info.raw.hands as string[] | undefined) ?? [], false);
    collab.refreshRecipients();
    this.grid.forgetConstraints();
    this.extras.onJoined();
    this.encryption.e2ee?.joined();
    this.encryption.set(!!this.settings?.e2ee);
    this.recording.set(!!this.settings?.recording);
    this.applyRemote([]);
    this.p2p.set(info.raw.p2p);
    this.showCount();
    this.polls.reset(); // the room's polls follow, as `poll` events
    this.breakouts.joined(seat);
  }

  /** Everyone sees (a toast, also read out) when a moderator decides the notes or the
   * whiteboard will be kept in the space, or no longer, and when a whiteboard opens. */
  private keptNotice(before: RoomSettings | undefined, after: RoomSettings): void {
    if (!before) return;
    if (!!after.notesSaved !== !!before.notesSaved) this.page.toast(after.notesSaved ? "meeting.notesKept" : "meeting.notesNotKept");
    else if (!!after.boardSaved !== !!before.boardSaved) this.page.toast(after.boardSaved ? "meeting.boardKept" : "meeting.boardNotKept");
    else if (after.boardOpen && !before.boardOpen) this.page.toast("meeting.boardOpened");
  }

  private participantJoined(p: Participant): void {
    this.upsertParticipant(p);
    this.encryption.e2ee?.participantJoined(p);
    this.collab.refreshRecipients();
    this.collab.refreshPeople();
    this.page.announceKey("meeting.joinedAnn", p.name);
    this.showCount();
    this.grid.relayout();
  }

  private participantLeft(id: string): void {
    const p = this.participants.get(id);
    this.removeParticipant(id);
    this.encryption.e2ee?.participantLeft(id);
    this.collab.refreshRecipients();
    this.collab.refreshPeople();
    if (p) this.page.announceKey("meeting.leftAnn", p.name);
    this.showCount();
    this.grid.relayout();
  }

  /** The server's word about us: our role; on joining, "everyone starts muted" too (later
   * mutes by a moderator come as `muted`, and echoes of our own may be stale). */
  private updateSelf(p: Participant, joining = false): void {
    const { session, grid, devices } = this;
    if (session.you) session.you = p;
    grid.local.setLabel("meeting.you", p.name); // a rename comes back this way
    grid.local.el.dataset.role = p.role ?? "participant";
    this.seat.set(p.role === "moderator");
    this.polls.setModerator(p.role === "moderator");
    this.breakouts.setModerator(p.role === "moderator");
    if (!joining) return;
    if (p.audioMuted && devices.micOn) devices.setMic(false);
    if (p.videoMuted && devices.camOn) void devices.stopCamera();
  }

  private upsertParticipant(p: Participant): void {
    if (p.id === this.session.you?.id) return this.updateSelf(p);
    this.participants.set(p.id, p);
    this.grid.showParticipant(p);
  }

  private removeParticipant(id: string): void {
    this.participants.delete(id);
    this.grid.removeParticipant(id);
  }

  private applyRemote(list: RemoteTrack[]): void {
    this.sfuRemote = list;
    this.showRemote();
  }

  private showRemote(): void {
    const list = this.p2p.remap(this.sfuRemote);
    this.remote = list;
    this.audio.apply(list);
    const video = new Map<string, MediaStreamTrack>();
    for (const r of list) if (r.kind !== "audio") video.set(tileKey(r.participant, r.source), r.media);
    this.grid.showVideos(video, (pid) => this.participants.get(pid)?.name ?? "");
  }

  private refused(code: string, message: string): void {
    if (code === "password_required" || code === "wrong_password" || code === "rate_limited") {
      askPassword(this.page.view, code, {
        join: (password) => this.session.retry(password),
        cancel: () => {
          rememberActive(null);
          navigate(roomPath(this.room));
        },
      });
    } else if (code === "token") this.finish(t("bye.token", { msg: message }), false, "token");
    else this.finish(byeText(code), code === "host_required" || code === "space_meeting_closed", code);
  }

  /** Moderation and room news, chat, hands, reactions, notes, last-N, the dominant speaker. */
  private onMessage(m: Msg): void {
    switch (m.type) {
      case "muted":
        if (m.kind === "video") {
          void this.devices.stopCamera();
          this.page.toast("mod.stoppedYourVideo");
        } else {
          this.devices.setMic(false);
          this.page.toast("mod.mutedYou");
        }
        break;
      case "unmute_requested":
        this.askUnmute(String(m.kind), String(m.by ?? ""));
        break;
      case "lobby_knock":
        this.seat.knock(m.knocker as Knocker);
        break;
      case "lobby_left":
        this.seat.left(String(m.id));
        break;
      case "room_updated":
        this.keptNotice(this.settings, m.settings as RoomSettings);
        this.settings = m.settings as RoomSettings;
        this.extras.onSettings(this.settings);
        this.seat.setSettings(this.settings);
        this.encryption.set(!!this.settings?.e2ee);
        this.recording.set(!!this.settings?.recording);
        break;
      case "recording_status":
        this.seat.recordingStatus(m as unknown as RecordingStatus);
        break;
      case "e2ee_message":
      case "e2ee_chat":
        this.encryption.handle(m);
        break;
      case "chat":
        this.chat(m.message as ChatMessage);
        break;
      case "hands":
        this.collab.setHands((m.order as string[]) ?? []);
        break;
      case "reaction":
        this.collab.showReaction(String(m.participant), String(m.emoji));
        break;
      case "notes_update":
      case "board_update":
        this.extras.onMessage(m);
        break;
      case "forwarded_video": {
        const list = m.participants as string[] | null;
        this.grid.setForwarded(Array.isArray(list) ? list : null);
        break;
      }
      case "dominant_speaker":
        this.speaker.serverSaid(typeof m.participant === "string" ? m.participant : null);
        break;
      case "poll":
        this.polls.show(m.poll);
        break;
      case "breakouts":
        this.breakouts.show(m.breakouts);
        break;
      case "breakout_message":
        this.breakouts.message(m.fromName, m.text);
        break;
      case "tracks_refused":
        this.tracksRefused(m.tracks);
        break;
      case "p2p":
        this.p2p.set(m.p2p);
        break;
      case "p2p_signal":
        this.p2p.signal(m);
        break;
      default:
        break;
    }
  }

  private chat(msg: ChatMessage): void {
    this.collab.addMessage(msg);
    if (this.collab.chatPanel.hidden && msg.from !== this.session.you?.id)
      this.page.announce(t("chat.newFrom", { name: msg.fromName }));
  }

  private askUnmute(kind: string, by: string): void {
    const { devices, controls } = this;
    this.unmute.show(kind, this.participants.get(by)?.name ?? "", () => {
      if (kind === "video" ? !devices.camOn : !devices.micOn) (kind === "video" ? controls.cam : controls.mic).btn.click();
    });
  }

  private tracksRefused(tracks: unknown): void {
    document.getElementById("tracks-refused")?.remove();
    const notice = refusedNotice(tracks);
    if (notice) this.page.view.append(notice);
  }

  // ---- leaving ----

  private finish(message: string | null, signIn = false, why = "left"): void {
    if (this.disposed) return;
    this.cleanup();
    rememberActive(null);
    document.title = "Palabre";
    showFarewell(this.root, this.room, message, signIn, why);
  }

  private cleanup(): void {
    this.disposed = true;
    this.speaker.dispose();
    this.p2p.dispose();
    this.breakouts.dispose();
    for (const off of this.unbind) off();
    this.controls.more.dispose();
    this.extras.dispose();
    this.encryption.e2ee?.dispose();
    this.session.leaveNow();
    this.devices.dispose();
    this.audio.dispose();
    this.grid.dispose();
  }
}
