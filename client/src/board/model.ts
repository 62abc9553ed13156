// A board's content in Yjs (docs/documents.md, "Boards"): a Y.Map "shapes" (id -> Y.Map of
// the shape's fields) and a Y.Array "order" (the ids, back to front). The same layout in a
// space's board (/api/yjs) and in a meeting's (signaling board_update). Every local change is
// a transaction with the origin LOCAL, the only one this person's Y.UndoManager tracks: one
// person's undo never takes back another's drawing.

import * as Y from "yjs";

export type Kind = "rect" | "ellipse" | "text" | "sticky" | "path" | "image" | "connector";

export interface Shape {
  id: string;
  kind: Kind;
  x: number;
  y: number;
  w: number;
  h: number;
  color: string; // stroke (text colour for text)
  fill: string; // "none" or a colour
  text: string;
  points: number[]; // a path's, relative to x, y: x0, y0, x1, y1, ...
  src: string; // an image's
  from: string; // a connector's ends: shape ids
  to: string;
}

export const LOCAL = { board: "local" }; // the origin of this person's transactions

export interface Board {
  doc: Y.Doc;
  shapes: Y.Map<Y.Map<unknown>>;
  order: Y.Array<string>;
  undo: Y.UndoManager;
}

export function board(doc: Y.Doc): Board {
  const shapes = doc.getMap<Y.Map<unknown>>("shapes");
  const order = doc.getArray<string>("order");
  const undo = new Y.UndoManager([shapes, order], { trackedOrigins: new Set([LOCAL]) });
  return { doc, shapes, order, undo };
}

const num = (v: unknown, d = 0) => (typeof v === "number" && Number.isFinite(v) ? v : d);
const str = (v: unknown, d = "") => (typeof v === "string" ? v : d);
const KINDS: Kind[] = ["rect", "ellipse", "text", "sticky", "path", "image", "connector"];

export function read(id: string, m: Y.Map<unknown>): Shape | null {
  const kind = m.get("kind") as Kind;
  if (!KINDS.includes(kind)) return null;
  const pts = m.get("points");
  return {
    id, kind,
    x: num(m.get("x")), y: num(m.get("y")), w: num(m.get("w")), h: num(m.get("h")),
    color: str(m.get("color"), "#1f2937"), fill: str(m.get("fill"), "none"), text: str(m.get("text")),
    points: Array.isArray(pts) ? pts.filter((p): p is number => typeof p === "number") : [],
    src: str(m.get("src")), from: str(m.get("from")), to: str(m.get("to")),
  };
}

/** The shapes back to front (ids in `order` without a shape, or twice, are skipped). */
export function list(b: Board): Shape[] {
  const seen = new Set<string>();
  const out: Shape[] = [];
  for (const id of b.order.toArray()) {
    const m = b.shapes.get(id);
    if (seen.has(id) || !m) continue;
    seen.add(id);
    const s = read(id, m);
    if (s) out.push(s);
  }
  return out;
}

const newId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`).replace(/-/g, "");

export function add(b: Board, fields: Partial<Shape> & { kind: Kind }): string {
  const id = newId();
  b.doc.transact(() => {
    const m = new Y.Map<unknown>();
    for (const [k, v] of Object.entries(fields)) if (k !== "id") m.set(k, v);
    b.shapes.set(id, m);
    b.order.push([id]);
  }, LOCAL);
  return id;
}

export function change(b: Board, id: string, fields: Partial<Shape>): void {
  const m = b.shapes.get(id);
  if (!m) return;
  b.doc.transact(() => {
    for (const [k, v] of Object.entries(fields)) if (k !== "id" && m.get(k) !== v) m.set(k, v);
  }, LOCAL);
}

/** Remove shapes, and the connectors that joined them. */
export function remove(b: Board, ids: string[]): void {
  const gone = new Set(ids);
  for (const s of list(b)) if (s.kind === "connector" && (gone.has(s.from) || gone.has(s.to))) gone.add(s.id);
  b.doc.transact(() => {
    for (const id of gone) b.shapes.delete(id);
    const arr = b.order.toArray();
    for (let i = arr.length - 1; i >= 0; i--) if (gone.has(arr[i]!)) b.order.delete(i, 1);
  }, LOCAL);
}

// Geometry (pure)

export interface Point {
  x: number;
  y: number;
}

export const centre = (s: Shape): Point => ({ x: s.x + s.w / 2, y: s.y + s.h / 2 });

/** Where the line from the shape's centre towards `p` leaves its outline (rect or ellipse). */
export function edge(s: Shape, p: Point): Point {
  const c = centre(s);
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  if (dx === 0 && dy === 0) return c;
  const a = Math.max(s.w / 2, 1);
  const h = Math.max(s.h / 2, 1);
  const t = s.kind === "ellipse"
    ? 1 / Math.sqrt((dx * dx) / (a * a) + (dy * dy) / (h * h))
    : Math.min(dx ? a / Math.abs(dx) : Infinity, dy ? h / Math.abs(dy) : Infinity);
  return { x: c.x + dx * Math.min(t, 1), y: c.y + dy * Math.min(t, 1) };
}

/** A connector's two ends, on the outlines of the shapes it joins (null if one is gone). */
export function ends(c: Shape, byId: Map<string, Shape>): [Point, Point] | null {
  const a = byId.get(c.from);
  const z = byId.get(c.to);
  if (!a || !z || a.kind === "connector" || z.kind === "connector") return null;
  return [edge(a, centre(z)), edge(z, centre(a))];
}

/** The top-most shape under a point (connectors and paths by their box). */
export function hit(shapes: Shape[], p: Point, slack = 4): Shape | null {
  for (let i = shapes.length - 1; i >= 0; i--) {
    const s = shapes[i]!;
    if (s.kind === "connector") continue;
    if (p.x >= s.x - slack && p.x <= s.x + s.w + slack && p.y >= s.y - slack && p.y <= s.y + s.h + slack) return s;
  }
  return null;
}

/** The box around every shape (for exports), with a margin. */
export function bounds(shapes: Shape[], margin = 20): { x: number; y: number; w: number; h: number } {
  const boxes = shapes.filter((s) => s.kind !== "connector");
  if (!boxes.length) return { x: 0, y: 0, w: 400, h: 300 };
  const x0 = Math.min(...boxes.map((s) => s.x)) - margin;
  const y0 = Math.min(...boxes.map((s) => s.y)) - margin;
  const x1 = Math.max(...boxes.map((s) => s.x + s.w)) + margin;
  const y1 = Math.max(...boxes.map((s) => s.y + s.h)) + margin;
  return { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}
