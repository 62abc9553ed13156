// The interactive board: tools (select/move/resize, pan, rectangle, ellipse, text, sticky
// note, freehand, connector, image), pan and zoom (view only, never in Yjs), undo/redo of
// this person's own changes (model.ts's LOCAL origin), SVG and PNG export. It works on a
// Y.Doc its host keeps in sync (board.ts: a space's board over /api/yjs; the meeting's
// board over signaling), so it knows nothing of the transport. Loaded with a dynamic
// import() when a board opens.

import * as Y from "yjs";
import * as model from "./model";
import type { Kind, Point, Shape } from "./model";
import { bt, type BoardKey } from "./text";
import { arrowDefs, download, drawAll, el, exportPng, exportSvg, STICKY } from "./view";
import "./board.css";

export interface BoardOptions {
  element: HTMLElement;
  doc: Y.Doc;
  writable: boolean;
  title: string;
  /** Store an image file; the src to put in the image shape (none: no image tool). */
  uploadImage?: (file: File) => Promise<string>;
  /** Where the others' pointers are (a space's board: Yjs awareness; none in a meeting). */
  presence?: Presence;
}

export interface Pointer {
  name: string;
  color: string;
  x: number;
  y: number;
}

export interface Presence {
  /** This person's pointer on the board, in board units (null: off the board). */
  set(p: Point | null): void;
  /** Called with the others' pointers whenever they move. */
  watch(show: (others: Pointer[]) => void): void;
}

type Tool = "select" | "pan" | Exclude<Kind, "image"> | "image";
type Drag =
  | { mode: "pan"; start: Point; view: { x: number; y: number } }
  | { mode: "move"; id: string; start: Point; at: Point }
  | { mode: "resize"; id: string; start: Point; size: Point }
  | { mode: "draw"; kind: Kind; start: Point; now: Point; points: number[] }
  | { mode: "connect"; from: string; now: Point };

const DEFAULT_SIZE: Partial<Record<Kind, Point>> = {
  rect: { x: 140, y: 90 }, ellipse: { x: 140, y: 90 }, sticky: { x: 170, y: 130 }, text: { x: 220, y: 40 },
};
const COLOURS = ["#1f2937", "#b3261e", "#1d6fa5", "#2e7d32", "#8e24aa", "#c25e00"];
const TOOLS: Tool[] = ["select", "pan", "rect", "ellipse", "text", "sticky", "path", "connector", "image"];

export class BoardCanvas {
  readonly board: model.Board;
  readonly root: HTMLDivElement;
  private svg: SVGSVGElement;
  private viewport: SVGGElement;
  private layer: SVGGElement;
  private overlay: SVGGElement;
  private pointers: SVGGElement;
  private lastPointer = 0;
  private tool: Tool = "select";
  private colour = COLOURS[0]!;
  private selected: string | null = null;
  private drag: Drag | null = null;
  private view = { x: 0, y: 0, k: 1 };
  private shapes: Shape[] = [];
  private frame = 0;
  private buttons = new Map<string, HTMLButtonElement>();
  private file: HTMLInputElement;
  private note: HTMLParagraphElement;

  constructor(private o: BoardOptions) {
    this.board = model.board(o.doc);
    this.root = document.createElement("div");
    this.root.className = "board";
    this.svg = el("svg", { class: "board-canvas", tabindex: 0, role: "img" });
    this.viewport = el("g", {});
    this.layer = el("g", { class: "board-shapes" });
    this.overlay = el("g", { class: "board-overlay" });
    this.pointers = el("g", { class: "board-pointers", "aria-hidden": "true" });
    this.viewport.append(this.layer, this.overlay, this.pointers);
    this.svg.append(arrowDefs(), this.viewport);
    this.file = document.createElement("input");
    this.file.type = "file";
    this.file.accept = "image/png,image/jpeg,image/gif,image/webp";
    this.file.hidden = true; // opened by the Image button (a hidden input still opens)
    this.file.id = "board-image-file";
    this.file.setAttribute("aria-label", bt("image"));
    this.file.addEventListener("change", () => void this.addImage());
    this.note = document.createElement("p");
    this.note.className = "board-note";
    this.note.setAttribute("role", "status");
    this.root.append(this.toolbar(), this.note, this.svg, this.file);
    if (!o.writable) this.note.textContent = bt("readOnly");
    o.element.append(this.root);
    this.listen();
    this.board.shapes.observeDeep(this.schedule);
    this.board.order.observe(this.schedule);
    o.presence?.watch((others) => this.showPointers(others));
    this.render();
  }

  private showPointers(others: Pointer[]): void {
    this.pointers.replaceChildren(...others.map((p) => {
      const g = el("g", { class: "board-pointer", transform: `translate(${p.x} ${p.y})` });
      g.append(el("path", { d: "M0 0 L0 16 L4.5 12 L8 19 L10.5 18 L7 11 L13 11 z", fill: p.color, stroke: "#fff", "stroke-width": 1 }));
      const label = el("text", { x: 14, y: 24, "font-size": 12, "font-family": "sans-serif", fill: p.color });
      label.textContent = p.name;
      g.append(label);
      return g;
    }));
  }

  private button(key: BoardKey, run: (e: MouseEvent) => void, id: string): HTMLButtonElement {
    const b = document.createElement("button");
    b.type = "button";
    b.className = "btn";
    b.id = id;
    b.textContent = bt(key);
    b.addEventListener("click", run);
    this.buttons.set(id, b);
    return b;
  }

  private toolbar(): HTMLElement {
    const bar = document.createElement("div");
    bar.className = "board-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", bt("toolbar"));
    const tools = this.o.writable ? TOOLS.filter((t) => t !== "image" || this.o.uploadImage) : ["select", "pan"];
    for (const t of tools as Tool[]) {
      const b = this.button(t as BoardKey, (e) => this.pick(t, e), `board-${t}`);
      b.setAttribute("aria-pressed", String(t === this.tool));
      bar.append(b);
    }
    if (this.o.writable) {
      const colour = document.createElement("select");
      colour.id = "board-colour";
      colour.setAttribute("aria-label", bt("colour"));
      for (const c of COLOURS) {
        const opt = document.createElement("option");
        opt.value = c;
        opt.textContent = "■ " + c;
        opt.style.color = c;
        colour.append(opt);
      }
      colour.addEventListener("change", () => {
        this.colour = colour.value;
        if (this.selected) model.change(this.board, this.selected, { color: this.colour });
      });
      bar.append(colour,
        this.button("undo", () => this.board.undo.undo(), "board-undo"),
        this.button("redo", () => this.board.undo.redo(), "board-redo"),
        this.button("delete", () => this.deleteSelected(), "board-delete"));
    }
    bar.append(
      this.button("zoomOut", () => this.zoom(1 / 1.25), "board-zoom-out"),
      this.button("zoomIn", () => this.zoom(1.25), "board-zoom-in"),
      this.button("zoomReset", () => this.fit(), "board-fit"),
      this.button("exportSvg", () => void this.exportAs("svg"), "board-export-svg"),
      this.button("exportPng", () => void this.exportAs("png"), "board-export-png"),
    );
    return bar;
  }

  /** A tool's button: the tool for the pointer; from the keyboard (a click with no pointer,
   * detail 0), a shape of the default size at once, in the middle of the view. */
  private pick(t: Tool, e: MouseEvent): void {
    if (t === "image") return this.file.click();
    const size = DEFAULT_SIZE[t as Kind];
    if (e.detail !== 0 || !size) return this.setTool(t);
    const r = this.svg.getBoundingClientRect();
    const c = this.toBoard({ clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 });
    const at = { x: c.x - size.x / 2, y: c.y - size.y / 2 };
    this.finishDrawing(t as Kind, at, at, []);
    if (t !== "text" && t !== "sticky") this.svg.focus();
  }

  private setTool(t: Tool): void {
    this.tool = t;
    for (const name of TOOLS) this.buttons.get(`board-${name}`)?.setAttribute("aria-pressed", String(name === t));
    this.svg.dataset.tool = t;
  }

  // Coordinates

  private toBoard(e: { clientX: number; clientY: number }): Point {
    const r = this.svg.getBoundingClientRect();
    return { x: (e.clientX - r.left - this.view.x) / this.view.k, y: (e.clientY - r.top - this.view.y) / this.view.k };
  }

  private zoom(factor: number, around?: Point): void {
    const r = this.svg.getBoundingClientRect();
    const c = around ?? { x: r.width / 2, y: r.height / 2 };
    const k = Math.min(8, Math.max(0.1, this.view.k * factor));
    this.view.x = c.x - ((c.x - this.view.x) * k) / this.view.k;
    this.view.y = c.y - ((c.y - this.view.y) * k) / this.view.k;
    this.view.k = k;
    this.render();
  }

  fit(): void {
    const box = model.bounds(this.shapes);
    const r = this.svg.getBoundingClientRect();
    const k = Math.min(2, Math.max(0.1, Math.min((r.width || 800) / box.w, (r.height || 500) / box.h)));
    this.view = { k, x: -box.x * k + ((r.width || 800) - box.w * k) / 2, y: -box.y * k + ((r.height || 500) - box.h * k) / 2 };
    this.render();
  }

  // Pointer and keyboard

  private listen(): void {
    this.svg.addEventListener("pointerdown", (e) => this.down(e));
    this.svg.addEventListener("pointermove", (e) => this.move(e));
    this.svg.addEventListener("pointerup", (e) => this.up(e));
    this.svg.addEventListener("pointercancel", () => (this.drag = null));
    this.svg.addEventListener("pointerleave", () => this.o.presence?.set(null));
    this.svg.addEventListener("dblclick", (e) => {
      const s = model.hit(this.shapes, this.toBoard(e));
      if (s && this.o.writable) this.editText(s);
    });
    this.svg.addEventListener("wheel", (e) => {
      e.preventDefault();
      const r = this.svg.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.1 : 1 / 1.1, { x: e.clientX - r.left, y: e.clientY - r.top });
    }, { passive: false });
    this.svg.addEventListener("keydown", (e) => this.key(e));
  }

  private down(e: PointerEvent): void {
    const p = this.toBoard(e);
    this.svg.setPointerCapture?.(e.pointerId);
    const target = e.target as Element;
    const onShape = model.hit(this.shapes, p);
    const tool = this.o.writable ? this.tool : "pan";
    if (tool === "pan" || e.button === 1 || (tool === "select" && !onShape && !target.closest("[data-handle]"))) {
      this.select(null);
      this.drag = { mode: "pan", start: { x: e.clientX, y: e.clientY }, view: { x: this.view.x, y: this.view.y } };
      return;
    }
    this.board.undo.stopCapturing(); // one gesture, one undo step
    if (tool === "select") {
      const handle = target.closest("[data-handle]");
      const s = handle && this.selected ? this.shapes.find((x) => x.id === this.selected) : onShape;
      if (!s) return;
      this.select(s.id);
      this.drag = handle ? { mode: "resize", id: s.id, start: p, size: { x: s.w, y: s.h } } : { mode: "move", id: s.id, start: p, at: { x: s.x, y: s.y } };
    } else if (tool === "connector") {
      if (onShape) this.drag = { mode: "connect", from: onShape.id, now: p };
    } else if (tool !== "image") {
      this.drag = { mode: "draw", kind: tool, start: p, now: p, points: [0, 0] };
    }
  }

  private move(e: PointerEvent): void {
    const d = this.drag;
    const p = this.toBoard(e);
    if (this.o.presence && e.timeStamp - this.lastPointer > 50) {
      this.lastPointer = e.timeStamp;
      this.o.presence.set({ x: Math.round(p.x), y: Math.round(p.y) });
    }
    if (!d) return;
    if (d.mode === "pan") {
      this.view.x = d.view.x + e.clientX - d.start.x;
      this.view.y = d.view.y + e.clientY - d.start.y;
      this.render();
    } else if (d.mode === "move") {
      model.change(this.board, d.id, { x: Math.round(d.at.x + p.x - d.start.x), y: Math.round(d.at.y + p.y - d.start.y) });
    } else if (d.mode === "resize") {
      model.change(this.board, d.id, { w: Math.max(10, Math.round(d.size.x + p.x - d.start.x)), h: Math.max(10, Math.round(d.size.y + p.y - d.start.y)) });
    } else if (d.mode === "draw") {
      d.now = p;
      if (d.kind === "path") d.points.push(Math.round(p.x - d.start.x), Math.round(p.y - d.start.y));
      this.preview();
    } else {
      d.now = p;
      this.preview();
    }
  }

  private up(e: PointerEvent): void {
    const d = this.drag;
    this.drag = null;
    this.overlay.replaceChildren();
    if (!d) return;
    const p = this.toBoard(e);
    if (d.mode === "draw") this.finishDrawing(d.kind, d.start, p, d.points);
    else if (d.mode === "connect") {
      const to = model.hit(this.shapes, p);
      if (to && to.id !== d.from) model.add(this.board, { kind: "connector", from: d.from, to: to.id, color: this.colour });
    }
    this.board.undo.stopCapturing();
    this.render();
  }

  private finishDrawing(kind: Kind, start: Point, end: Point, points: number[]): void {
    if (kind === "path") {
      if (points.length < 4) return;
      const xs = points.filter((_, i) => i % 2 === 0);
      const ys = points.filter((_, i) => i % 2 === 1);
      const x0 = Math.min(...xs), y0 = Math.min(...ys);
      const rel = points.map((v, i) => v - (i % 2 === 0 ? x0 : y0));
      model.add(this.board, { kind, x: Math.round(start.x + x0), y: Math.round(start.y + y0),
        w: Math.max(...xs) - x0, h: Math.max(...ys) - y0, points: rel, color: this.colour });
      return;
    }
    const size = DEFAULT_SIZE[kind] ?? { x: 120, y: 80 };
    const dragged = Math.abs(end.x - start.x) > 8 && Math.abs(end.y - start.y) > 8;
    const box = dragged
      ? { x: Math.min(start.x, end.x), y: Math.min(start.y, end.y), w: Math.abs(end.x - start.x), h: Math.abs(end.y - start.y) }
      : { x: start.x, y: start.y, w: size.x, h: size.y };
    const id = model.add(this.board, { kind, x: Math.round(box.x), y: Math.round(box.y), w: Math.round(box.w), h: Math.round(box.h),
      color: this.colour, fill: kind === "sticky" ? STICKY : "none", text: "" });
    this.select(id);
    if (kind === "text" || kind === "sticky") {
      const s = model.list(this.board).find((x) => x.id === id);
      if (s) this.editText(s);
    }
    this.setTool("select");
  }

  private key(e: KeyboardEvent): void {
    const mod = e.ctrlKey || e.metaKey;
    if (mod && e.key.toLowerCase() === "z") {
      e.preventDefault();
      if (e.shiftKey) this.board.undo.redo();
      else this.board.undo.undo();
    } else if (mod && e.key.toLowerCase() === "y") {
      e.preventDefault();
      this.board.undo.redo();
    } else if (!this.o.writable || !this.selected) {
      return;
    } else if (e.key === "Delete" || e.key === "Backspace") {
      e.preventDefault();
      this.deleteSelected();
    } else if (e.key === "Enter") {
      const s = this.shapes.find((x) => x.id === this.selected);
      if (s) this.editText(s);
    } else if (e.key === "Escape") {
      this.select(null);
    } else if (e.key.startsWith("Arrow")) {
      e.preventDefault();
      const s = this.shapes.find((x) => x.id === this.selected);
      const step = e.shiftKey ? 1 : 10;
      const dx = e.key === "ArrowLeft" ? -step : e.key === "ArrowRight" ? step : 0;
      const dy = e.key === "ArrowUp" ? -step : e.key === "ArrowDown" ? step : 0;
      if (s) model.change(this.board, s.id, { x: s.x + dx, y: s.y + dy });
    }
  }

  // Editing

  private select(id: string | null): void {
    this.selected = id;
    this.render();
  }

  private deleteSelected(): void {
    if (!this.selected) return;
    model.remove(this.board, [this.selected]);
    this.selected = null;
  }

  private editText(s: Shape): void {
    if (s.kind === "path" || s.kind === "image" || s.kind === "connector") return;
    const area = document.createElement("textarea");
    area.className = "board-text-edit";
    area.value = s.text;
    area.setAttribute("aria-label", bt("editText"));
    const k = this.view.k;
    const at = this.svg.getBoundingClientRect();
    const root = this.root.getBoundingClientRect();
    Object.assign(area.style, {
      left: `${at.left - root.left + this.view.x + s.x * k}px`, top: `${at.top - root.top + this.view.y + s.y * k}px`,
      width: `${Math.max(80, s.w * k)}px`, height: `${Math.max(32, s.h * k)}px`,
    });
    let done = false;
    const finish = (keep: boolean) => {
      if (done) return;
      done = true;
      const text = area.value.slice(0, 5000);
      // A text shape left empty is no shape at all.
      if (s.kind === "text" && !text.trim() && (keep || !s.text)) model.remove(this.board, [s.id]);
      else if (keep && text !== s.text) model.change(this.board, s.id, { text });
      area.remove();
      this.svg.focus();
    };
    area.addEventListener("blur", () => finish(true));
    area.addEventListener("keydown", (e) => {
      if (e.key === "Escape") finish(false);
      else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) finish(true);
    });
    this.root.append(area);
    area.focus();
  }

  private async addImage(): Promise<void> {
    const f = this.file.files?.[0];
    this.file.value = "";
    if (!f || !this.o.uploadImage) return;
    try {
      const src = await this.o.uploadImage(f);
      const size = await naturalSize(f);
      const scale = Math.min(1, 320 / Math.max(size.x, size.y, 1));
      const r = this.svg.getBoundingClientRect();
      const c = this.toBoard({ clientX: r.left + r.width / 2, clientY: r.top + r.height / 2 });
      const w = Math.round(size.x * scale), h = Math.round(size.y * scale);
      this.select(model.add(this.board, { kind: "image", src, x: Math.round(c.x - w / 2), y: Math.round(c.y - h / 2), w, h }));
    } catch {
      this.note.textContent = bt("uploadFailed");
    }
  }

  private async exportAs(kind: "svg" | "png"): Promise<void> {
    const shapes = model.list(this.board);
    const name = (this.o.title || "board").replace(/[\\/:*?"<>|]+/g, " ").trim() || "board";
    if (kind === "svg") download(new Blob([(await exportSvg(shapes)).svg], { type: "image/svg+xml" }), `${name}.svg`);
    else download(await exportPng(shapes), `${name}.png`);
  }

  // Drawing

  private schedule = (): void => {
    if (!this.frame) this.frame = requestAnimationFrame(() => this.render());
  };

  render(): void {
    this.frame = 0;
    this.shapes = model.list(this.board);
    this.viewport.setAttribute("transform", `translate(${this.view.x} ${this.view.y}) scale(${this.view.k})`);
    drawAll(this.layer, this.shapes, (src) => src);
    this.svg.setAttribute("aria-label", bt("canvas", { title: this.o.title, count: this.shapes.length }));
    if (this.drag?.mode !== "draw" && this.drag?.mode !== "connect") this.overlay.replaceChildren(...this.selection());
  }

  private selection(): SVGElement[] {
    const s = this.shapes.find((x) => x.id === this.selected);
    if (!s) return [];
    const box = el("rect", { x: s.x - 4, y: s.y - 4, width: s.w + 8, height: s.h + 8, class: "board-selected" });
    if (!this.o.writable || s.kind === "connector") return [box];
    const handle = el("rect", { x: s.x + s.w - 2, y: s.y + s.h - 2, width: 12, height: 12, class: "board-handle", "data-handle": "resize" });
    return [box, handle];
  }

  private preview(): void {
    const d = this.drag;
    if (d?.mode === "draw") {
      const ghost = { id: "preview", kind: d.kind, x: Math.min(d.start.x, d.now.x), y: Math.min(d.start.y, d.now.y),
        w: Math.abs(d.now.x - d.start.x), h: Math.abs(d.now.y - d.start.y), color: this.colour, fill: "none", text: "",
        points: d.points, src: "", from: "", to: "" } satisfies Shape;
      if (d.kind === "path") Object.assign(ghost, { x: d.start.x, y: d.start.y });
      const layer = el("g", { opacity: 0.6 });
      drawAll(layer, [ghost], (src) => src);
      this.overlay.replaceChildren(layer);
    } else if (d?.mode === "connect") {
      const from = this.shapes.find((x) => x.id === d.from);
      if (!from) return;
      const c = model.centre(from);
      this.overlay.replaceChildren(el("line", { x1: c.x, y1: c.y, x2: d.now.x, y2: d.now.y, stroke: this.colour, "stroke-width": 2, "stroke-dasharray": "6 4" }));
    }
  }

  destroy(): void {
    this.board.shapes.unobserveDeep(this.schedule);
    this.board.order.unobserve(this.schedule);
    this.board.undo.destroy();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.root.remove();
  }
}

function naturalSize(f: File): Promise<Point> {
  return new Promise((resolve) => {
    const url = URL.createObjectURL(f);
    const img = new Image();
    img.onload = () => {
      resolve({ x: img.naturalWidth || 200, y: img.naturalHeight || 150 });
      URL.revokeObjectURL(url);
    };
    img.onerror = () => resolve({ x: 200, y: 150 });
    img.src = url;
  });
}

export function openCanvas(o: BoardOptions): BoardCanvas {
  return new BoardCanvas(o);
}
