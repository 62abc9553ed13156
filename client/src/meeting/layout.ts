// The grid's arithmetic: how many columns, and how wide a tile, for n tiles on a stage.

export const MIN_TILE = 160;
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
