// The geometry of the small-face pass: which tiles to look at again, and how candidates from the
// whole image and from overlapping tiles merge into one box per face. Working pixels, floats.

export interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface Candidate extends Rect {
  score: number;
}

/**
 * Square tiles of `size` covering the image, neighbours overlapping by `overlap` of a tile so that
 * any face narrower than that overlap lies whole inside at least one tile. Tiles at the far edges
 * are shifted inwards rather than cut short, so every tile has the same scale.
 */
export const tileGrid = (width: number, height: number, size: number, overlap: number): Rect[] => {
  const starts = (length: number) => {
    const side = Math.min(size, length);
    if (length <= side) return { side, at: [0] };
    const stride = Math.max(1, Math.floor(side * (1 - overlap)));
    const count = Math.ceil((length - side) / stride) + 1;
    const step = (length - side) / (count - 1);
    return { side, at: Array.from({ length: count }, (_, i) => Math.round(i * step)) };
  };
  const cols = starts(width);
  const rows = starts(height);
  return rows.at.flatMap((y) => cols.at.map((x) => ({ x, y, w: cols.side, h: rows.side })));
};

const intersection = (a: Rect, b: Rect) => {
  const w = Math.min(a.x + a.w, b.x + b.w) - Math.max(a.x, b.x);
  const h = Math.min(a.y + a.h, b.y + b.h) - Math.max(a.y, b.y);
  return w > 0 && h > 0 ? w * h : 0;
};

export const iou = (a: Rect, b: Rect): number => {
  const i = intersection(a, b);
  return i === 0 ? 0 : i / (a.w * a.h + b.w * b.h - i);
};

/** How much of the smaller box the larger covers: a face's half-box from a tile's edge lies inside its whole box. */
export const containment = (a: Rect, b: Rect): number => {
  const i = intersection(a, b);
  return i === 0 ? 0 : i / Math.min(a.w * a.h, b.w * b.h);
};

/**
 * Greedy non-maximum suppression, best score first: a candidate goes when it overlaps a kept one
 * by IoU over `iouLimit`, or lies mostly (`containLimit`) inside one or around one.
 */
export const suppress = <T extends Candidate>(candidates: T[], iouLimit = 0.3, containLimit = 0.6): T[] => {
  const kept: T[] = [];
  for (const c of [...candidates].sort((a, b) => b.score - a.score)) {
    if (kept.every((k) => iou(k, c) <= iouLimit && containment(k, c) <= containLimit)) kept.push(c);
  }
  return kept;
};

/** Whether a box found in a tile touches one of the tile's edges that is not also the image's: a face cut by the tile. */
export const cutByTile = (box: Rect, tile: Rect, width: number, height: number, margin = 2): boolean =>
  (tile.x > 0 && box.x <= tile.x + margin) ||
  (tile.y > 0 && box.y <= tile.y + margin) ||
  (tile.x + tile.w < width && box.x + box.w >= tile.x + tile.w - margin) ||
  (tile.y + tile.h < height && box.y + box.h >= tile.y + tile.h - margin);
