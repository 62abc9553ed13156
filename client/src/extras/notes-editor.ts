// The shared notes' editor, loaded only when the notes are opened: a Yjs document (one
// Y.Text, "notes", whose inserts carry their author's id, and a Y.Map "authors" of names
// and colours) edited through a plain textarea, synced over the signaling WebSocket as
// base64 updates (notes_update, notes_sync). A backdrop behind the textarea tints each
// author's text with their colour. Nothing from others ever becomes markup.

import * as Y from "yjs";
import { h } from "../dom";
import { t } from "../i18n";
import type { NotesHost } from "./notes";
import { xt, xtr } from "./text";
import "./notes.css";

const REMOTE = Symbol("remote");
const LOCAL = Symbol("local");
const COLOURS = 8;
const FLUSH_MS = 120;
const BATCH_BYTES = 30_000; // base64 grows it to 40 000 characters, under the 60 000 limit
const MAX_UPDATE = 44_000;
const CHUNK = 8_000; // characters per transaction, so a big paste makes several small updates

type Author = { name: string; c: number };

export function toBase64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000)
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export function fromBase64(text: string): Uint8Array {
  const s = atob(text);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}

function hashColour(pid: string): number {
  let x = 0;
  for (const ch of pid) x = (x * 31 + ch.charCodeAt(0)) >>> 0;
  return x % COLOURS;
}

export class NotesEditor {
  readonly doc = new Y.Doc();
  private text = this.doc.getText("notes");
  private authors = this.doc.getMap<Author>("authors");
  private area: HTMLTextAreaElement;
  private backdrop: HTMLDivElement;
  private legend: HTMLUListElement;
  private noAuthors: HTMLParagraphElement;
  private queue: Uint8Array[] = [];
  private flushTimer = 0;
  private renderQueued = false;
  private disposed = false;

  constructor(
    private host: NotesHost,
    container: HTMLElement,
  ) {
    this.area = h("textarea", {
      id: "notes-text",
      class: "notes-text",
      spellcheck: "true",
      "aria-describedby": "notes-notice",
    });
    this.area.readOnly = true;
    this.backdrop = h("div", { class: "notes-backdrop", "aria-hidden": "true" });
    const label = xtr(h("label", { for: "notes-text", class: "sr-only" }), "notes.label");
    const wrap = h("div", { class: "notes-wrap" }, this.backdrop, this.area);

    const exports = h("div", { class: "notes-export", role: "group" });
    xtr(exports, "notes.export", undefined, "aria-label");
    const formats = [
      ["md", "notes.md"],
      ["html", "notes.html"],
      ["txt", "notes.txt"],
    ] as const;
    exports.append(xtr(h("span", { class: "hint" }), "notes.export"));
    for (const [ext, key] of formats) {
      const b = xtr(h("button", { type: "button", class: "btn small", "data-export": ext }), key);
      xtr(b, "notes.exportAs", { format: xt(key) }, "aria-label");
      b.addEventListener("click", () => this.download(ext));
      exports.append(b);
    }

    this.legend = h("ul", { class: "notes-authors", id: "notes-authors" });
    this.noAuthors = xtr(h("p", { class: "hint" }), "notes.noAuthors");
    const authorsTitle = xtr(h("h3", { id: "notes-authors-title" }), "notes.authors");
    this.legend.setAttribute("aria-labelledby", "notes-authors-title");
    container.replaceChildren(label, wrap, exports, authorsTitle, this.legend, this.noAuthors);

    this.area.addEventListener("input", () => this.onInput());
    this.area.addEventListener("scroll", () => this.syncScroll());
    this.doc.on("update", (update: Uint8Array, origin: unknown) => {
      if (origin !== REMOTE) this.enqueue(update);
    });
    this.text.observe((event, tr) => {
      if (tr.origin !== LOCAL) this.applyRemote(event.delta);
      this.scheduleRender();
    });
    this.authors.observe(() => this.renderLegend());
    const me = this.host.session.you?.id;
    this.area.classList.add(`caret-${me ? this.colourOf(me) : 0}`);
    this.renderLegend();
  }

  get value(): string {
    return this.text.toString();
  }

  /** The whole document from the server, then the updates that came meanwhile. */
  async start(early: string[]): Promise<void> {
    const r = await this.host.session.call({ type: "notes_sync" });
    if (r.type === "notes_state") Y.applyUpdate(this.doc, fromBase64(r.update), REMOTE);
    for (const u of early) this.remote(u);
    this.area.readOnly = false;
    this.render();
  }

  /** After a reconnection: catch up, and give the server what it missed of ours. */
  async resync(): Promise<void> {
    try {
      const r = await this.host.session.call({ type: "notes_sync" });
      if (r.type !== "notes_state") return;
      const server = fromBase64(r.update);
      Y.applyUpdate(this.doc, server, REMOTE);
      const missing = Y.encodeStateAsUpdate(this.doc, Y.encodeStateVectorFromUpdate(server));
      const empty = Y.encodeStateAsUpdate(new Y.Doc());
      if (missing.length > empty.length) this.enqueue(missing);
    } catch {
      /* the next reconnection tries again */
    }
  }

  remote(update: string, _from?: string): void {
    try {
      Y.applyUpdate(this.doc, fromBase64(update), REMOTE);
    } catch (e) {
      console.warn("notes: bad update", e);
    }
  }

  dispose(): void {
    this.disposed = true;
    window.clearTimeout(this.flushTimer);
    this.doc.destroy();
  }

  // ---- editing ----

  private colourOf(pid: string): number {
    return this.authors.get(pid)?.c ?? hashColour(pid);
  }

  private onInput(): void {
    const me = this.host.session.you?.id ?? "anonymous";
    const old = this.text.toString();
    const now = this.area.value;
    let start = 0;
    const max = Math.min(old.length, now.length);
    while (start < max && old.charCodeAt(start) === now.charCodeAt(start)) start++;
    let end = 0;
    while (
      end < max - start &&
      old.charCodeAt(old.length - 1 - end) === now.charCodeAt(now.length - 1 - end)
    )
      end++;
    const removed = old.length - start - end;
    const inserted = now.slice(start, now.length - end);
    this.doc.transact(() => {
      if (removed > 0) this.text.delete(start, removed);
      if (inserted && !this.authors.has(me)) {
        const used = new Set([...this.authors.values()].map((a) => a.c));
        let c = hashColour(me);
        for (let i = 0; i < COLOURS && used.has(c); i++) c = (c + 1) % COLOURS;
        this.authors.set(me, { name: this.host.session.you?.name ?? "", c });
        this.area.className = `notes-text caret-${c}`;
      }
    }, LOCAL);
    for (let i = 0; i < inserted.length; i += CHUNK) {
      const piece = inserted.slice(i, i + CHUNK);
      this.doc.transact(() => this.text.insert(start + i, piece, { a: me }), LOCAL);
    }
  }

  /** Someone else's change: new text in the textarea, our selection kept in place. */
  private applyRemote(delta: { insert?: unknown; retain?: number; delete?: number }[]): void {
    let s = this.area.selectionStart;
    let e = this.area.selectionEnd;
    let at = 0;
    for (const op of delta) {
      if (op.retain) at += op.retain;
      else if (op.insert !== undefined) {
        const n = typeof op.insert === "string" ? op.insert.length : 1;
        if (at < s) s += n;
        if (at < e) e += n;
        at += n;
      } else if (op.delete) {
        if (at < s) s -= Math.min(op.delete, s - at);
        if (at < e) e -= Math.min(op.delete, e - at);
      }
    }
    const top = this.area.scrollTop;
    this.area.value = this.text.toString();
    this.area.setSelectionRange(s, e);
    this.area.scrollTop = top;
  }

  // ---- rendering ----

  private scheduleRender(): void {
    if (this.renderQueued) return;
    this.renderQueued = true;
    requestAnimationFrame(() => {
      this.renderQueued = false;
      if (!this.disposed) this.render();
    });
  }

  private render(): void {
    if (this.area.value !== this.text.toString()) this.area.value = this.text.toString();
    const spans: Node[] = [];
    for (const op of this.text.toDelta() as { insert: unknown; attributes?: { a?: string } }[]) {
      if (typeof op.insert !== "string") continue;
      const pid = op.attributes?.a;
      spans.push(pid ? h("span", { class: `a-${this.colourOf(pid)}` }, op.insert) : document.createTextNode(op.insert));
    }
    // A textarea shows a last empty line that a div would not.
    spans.push(document.createTextNode("\n "));
    this.backdrop.replaceChildren(...spans);
    this.syncScroll();
  }

  private syncScroll(): void {
    this.backdrop.scrollTop = this.area.scrollTop;
    this.backdrop.scrollLeft = this.area.scrollLeft;
  }

  private renderLegend(): void {
    const items = [...this.authors.entries()].map(([pid, a]) => {
      const name = this.host.name(pid) ?? a.name;
      return h(
        "li",
        { "data-author": pid },
        h("span", { class: `swatch a-${a.c}`, "aria-hidden": "true" }),
        h("span", { class: "who" }, pid === this.host.session.you?.id ? t("meeting.you", { name }) : name),
      );
    });
    this.legend.replaceChildren(...items);
    this.noAuthors.hidden = items.length > 0;
    this.scheduleRender();
  }

  // ---- sending ----

  private enqueue(update: Uint8Array): void {
    this.queue.push(update);
    if (!this.flushTimer) this.flushTimer = window.setTimeout(() => this.flush(), FLUSH_MS);
  }

  private flush(): void {
    this.flushTimer = 0;
    if (this.disposed || !this.queue.length) return;
    if (this.host.session.ws?.readyState !== WebSocket.OPEN) {
      this.flushTimer = window.setTimeout(() => this.flush(), 1000);
      return;
    }
    const queue = this.queue;
    this.queue = [];
    let batch: Uint8Array[] = [];
    let size = 0;
    const send = () => {
      if (!batch.length) return;
      const merged = batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch);
      batch = [];
      size = 0;
      if (merged.length > MAX_UPDATE) {
        this.host.announce(xt("notes.tooLarge"));
        return;
      }
      this.host.session.send({ type: "notes_update", update: toBase64(merged) });
    };
    for (const u of queue) {
      if (size + u.length > BATCH_BYTES) send();
      batch.push(u);
      size += u.length;
    }
    send();
  }

  // ---- export ----

  private download(ext: "md" | "html" | "txt"): void {
    const text = this.text.toString();
    const stamp = new Date().toISOString().slice(0, 10);
    const room = this.host.session.room;
    let body: string;
    let type: string;
    if (ext === "html") {
      body = toHtml(text, `${xt("notes.title")} — ${room} — ${stamp}`);
      type = "text/html";
    } else if (ext === "md") {
      body = text.endsWith("\n") ? text : `${text}\n`;
      type = "text/markdown";
    } else {
      body = text;
      type = "text/plain";
    }
    const url = URL.createObjectURL(new Blob([body], { type: `${type};charset=utf-8` }));
    const a = h("a", { href: url, download: `${xt("notes.file")}-${room}-${stamp}.${ext}` });
    a.hidden = true;
    document.body.append(a);
    a.click();
    a.remove();
    window.setTimeout(() => URL.revokeObjectURL(url), 30_000);
  }
}

/** A standalone HTML page of the notes: headings, lists and paragraphs of plain text. */
export function toHtml(text: string, title: string): string {
  const doc = document.implementation.createHTMLDocument(title);
  const meta = doc.createElement("meta");
  meta.setAttribute("charset", "utf-8");
  doc.head.prepend(meta);
  const main = doc.body;
  let list: HTMLUListElement | null = null;
  let para: HTMLParagraphElement | null = null;
  for (const line of text.split("\n")) {
    const heading = /^(#{1,6})\s+(.*)$/.exec(line);
    const item = /^\s*[-*]\s+(.*)$/.exec(line);
    if (heading) {
      list = para = null;
      const el = doc.createElement(`h${heading[1]!.length}`);
      el.textContent = heading[2]!;
      main.append(el);
    } else if (item) {
      para = null;
      if (!list) main.append((list = doc.createElement("ul")));
      const li = doc.createElement("li");
      li.textContent = item[1]!;
      list.append(li);
    } else if (!line.trim()) {
      list = para = null;
    } else {
      list = null;
      if (para) para.append(doc.createElement("br"), line);
      else {
        para = doc.createElement("p");
        para.textContent = line;
        main.append(para);
      }
    }
  }
  return `<!doctype html>\n${doc.documentElement.outerHTML}\n`;
}
