// Icons of the notes, the whiteboard, the connection indicator, the polls and the breakout
// rooms (dom.ts keeps the others).

const SVG = "http://www.w3.org/2000/svg";
const PATHS = {
  notes:
    "M6 2h9l5 5v13a2 2 0 0 1-2 2H6a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2zm8 1.5V8h4.5zM7 11v2h10v-2zm0 4v2h10v-2zm0-8v2h5V7z",
  bars: "M3 17h3v4H3zm5.5-5h3v9h-3zM14 7h3v14h-3zM19.5 2h3v19h-3z",
  board: "M3 3h18v13H3zm2 2v9h14V5zm6 12h2v2.2l3 2.8h-2.7L12 20.8 10.7 22H8l3-2.8z",
  poll: "M4 20h16v2H4zM5 10h3v8H5zm5.5-6h3v14h-3zM16 13h3v5h-3z", // a bar chart
  rooms: "M3 3h8v8H3zm2 2v4h4V5zm8-2h8v8h-8zm2 2v4h4V5zM3 13h8v8H3zm2 2v4h4v-4zm8-2h8v8h-8zm2 2v4h4v-4z", // four rooms
};

export function svgIcon(name: keyof typeof PATHS): SVGSVGElement {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", "icon");
  const p = document.createElementNS(SVG, "path");
  p.setAttribute("d", PATHS[name]);
  svg.append(p);
  return svg;
}
