// Drawing a board's shapes as SVG: the same function draws the live board and the SVG/PNG
// exports (images inlined there as data: URIs, so the file stands alone).

import { ends, bounds, type Shape } from "./model";

export const NS = "http://www.w3.org/2000/svg";
const FONT = 16;
export const STICKY = "#fde68a";

export function el<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const e = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  return e;
}

/** Lines of text that fit `width` (a rough measure: no layout engine in an export). */
export function wrap(text: string, width: number, size = FONT): string[] {
  const perLine = Math.max(4, Math.floor(width / (size * 0.55)));
  const lines: string[] = [];
  for (const para of text.split("\n")) {
    let line = "";
    for (const word of para.split(" ")) {
      if (line && (line + " " + word).length > perLine) {
        lines.push(line);
        line = word;
      } else line = line ? line + " " + word : word;
    }
    lines.push(line);
  }
  return lines;
}

function label(s: Shape, pad: number, colour: string): SVGTextElement | null {
  if (!s.text) return null;
  const t = el("text", { x: s.x + pad, y: s.y + pad + FONT, "font-size": FONT, "font-family": "sans-serif", fill: colour });
  for (const [i, line] of wrap(s.text, s.w - 2 * pad).entries()) {
    const span = el("tspan", { x: s.x + pad, dy: i ? FONT * 1.25 : 0 });
    span.textContent = line;
    t.append(span);
  }
  return t;
}

export function drawShape(s: Shape, byId: Map<string, Shape>, imageSrc: (src: string) => string): SVGGElement | null {
  const g = el("g", { "data-shape": s.id, "data-kind": s.kind });
  const stroke = { stroke: s.color, "stroke-width": 2 };
  if (s.kind === "rect") g.append(el("rect", { x: s.x, y: s.y, width: s.w, height: s.h, fill: s.fill, ...stroke, rx: 4 }));
  else if (s.kind === "ellipse")
    g.append(el("ellipse", { cx: s.x + s.w / 2, cy: s.y + s.h / 2, rx: s.w / 2, ry: s.h / 2, fill: s.fill, ...stroke }));
  else if (s.kind === "sticky")
    g.append(el("rect", { x: s.x, y: s.y, width: s.w, height: s.h, fill: s.fill === "none" ? STICKY : s.fill, stroke: "#b59f3b", "stroke-width": 1 }));
  else if (s.kind === "path") {
    const p = s.points;
    if (p.length < 2) return null;
    let d = `M${s.x + p[0]!} ${s.y + p[1]!}`;
    for (let i = 2; i + 1 < p.length; i += 2) d += ` L${s.x + p[i]!} ${s.y + p[i + 1]!}`;
    g.append(el("path", { d, fill: "none", ...stroke, "stroke-linecap": "round", "stroke-linejoin": "round" }));
  } else if (s.kind === "image") {
    const src = imageSrc(s.src);
    if (!src) return null;
    const img = el("image", { x: s.x, y: s.y, width: s.w, height: s.h, preserveAspectRatio: "xMidYMid meet" });
    img.setAttribute("href", src);
    g.append(img);
  } else if (s.kind === "connector") {
    const at = ends(s, byId);
    if (!at) return null;
    g.append(el("line", { x1: at[0].x, y1: at[0].y, x2: at[1].x, y2: at[1].y, ...stroke, "marker-end": "url(#board-arrow)" }));
  } else if (s.kind === "text") {
    g.append(el("rect", { x: s.x, y: s.y, width: s.w, height: s.h, fill: "transparent" }));
  }
  const text = label(s, s.kind === "text" ? 2 : 8, s.kind === "text" ? s.color : "#111827");
  if (text && s.kind !== "connector" && s.kind !== "path" && s.kind !== "image") g.append(text);
  return g;
}

export function arrowDefs(): SVGDefsElement {
  const defs = el("defs", {});
  const marker = el("marker", { id: "board-arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto-start-reverse" });
  marker.append(el("path", { d: "M0 0 L10 5 L0 10 z", fill: "#374151" }));
  defs.append(marker);
  return defs;
}

export function drawAll(layer: SVGGElement, shapes: Shape[], imageSrc: (src: string) => string): void {
  const byId = new Map(shapes.map((s) => [s.id, s]));
  const drawn: SVGGElement[] = [];
  for (const s of shapes) {
    const g = drawShape(s, byId, imageSrc);
    if (g) drawn.push(g);
  }
  layer.replaceChildren(...drawn);
}

async function dataUri(src: string): Promise<string> {
  try {
    const res = await fetch(src, { credentials: "same-origin" });
    if (!res.ok) return "";
    const blob = await res.blob();
    return await new Promise((resolve) => {
      const r = new FileReader();
      r.onload = () => resolve(typeof r.result === "string" ? r.result : "");
      r.onerror = () => resolve("");
      r.readAsDataURL(blob);
    });
  } catch {
    return "";
  }
}

/** The whole board as a standalone SVG document. */
export async function exportSvg(shapes: Shape[]): Promise<{ svg: string; width: number; height: number }> {
  const inlined = new Map<string, string>();
  for (const s of shapes) if (s.kind === "image" && s.src && !inlined.has(s.src)) inlined.set(s.src, await dataUri(s.src));
  const box = bounds(shapes);
  const svg = el("svg", { xmlns: NS, viewBox: `${box.x} ${box.y} ${box.w} ${box.h}`, width: box.w, height: box.h });
  svg.append(arrowDefs(), el("rect", { x: box.x, y: box.y, width: box.w, height: box.h, fill: "#ffffff" }));
  const layer = el("g", {});
  drawAll(layer, shapes, (src) => inlined.get(src) ?? "");
  svg.append(layer);
  return { svg: new XMLSerializer().serializeToString(svg), width: box.w, height: box.h };
}

export async function exportPng(shapes: Shape[], scale = 2): Promise<Blob> {
  const { svg, width, height } = await exportSvg(shapes);
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    await new Promise<void>((resolve, reject) => {
      img.onload = () => resolve();
      img.onerror = () => reject(new Error("the board could not be drawn"));
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const ctx = canvas.getContext("2d")!;
    ctx.scale(scale, scale);
    ctx.drawImage(img, 0, 0, width, height);
    return await new Promise((resolve, reject) => canvas.toBlob((b) => (b ? resolve(b) : reject(new Error("no PNG"))), "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export { saveBlob as download } from "../dom";
