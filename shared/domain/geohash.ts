// Geohash (Niemeyer's public-domain scheme), written here rather than taken from npm: it is two
// small functions, and a cell is computed straight from its integer grid indices, which is also
// what makes covering a box exact instead of sampling points inside it.

const BASE32 = '0123456789bcdefghjkmnpqrstuvwxyz';
/** The precision the index stores: ~4.8 m × 4.8 m cells, finer than any GPS fix it holds. */
export const STORED_PRECISION = 9;

/** A box in degrees that does not cross the antimeridian (west ≤ east). */
export interface PlainBox {
  west: number;
  south: number;
  east: number;
  north: number;
}

const grid = (precision: number) => {
  const bits = 5 * precision;
  // Bits alternate longitude first, so longitude gets the odd one out.
  const lonBits = Math.ceil(bits / 2);
  const latBits = Math.floor(bits / 2);
  return { bits, columns: 2 ** lonBits, rows: 2 ** latBits, width: 360 / 2 ** lonBits, height: 180 / 2 ** latBits };
};

const clampIndex = (value: number, count: number) => Math.min(count - 1, Math.max(0, Math.floor(value)));

/** The cell in column `col` (west to east) and row `row` (south to north). */
const cellAt = (precision: number, col: number, row: number): string => {
  const { bits } = grid(precision);
  const lonBits = Math.ceil(bits / 2);
  const latBits = Math.floor(bits / 2);
  let hash = '';
  let chunk = 0;
  let lonLeft = lonBits;
  let latLeft = latBits;
  for (let i = 0; i < bits; i++) {
    const bit = i % 2 === 0 ? Math.floor(col / 2 ** --lonLeft) % 2 : Math.floor(row / 2 ** --latLeft) % 2;
    chunk = chunk * 2 + bit;
    if (i % 5 === 4) {
      hash += BASE32[chunk];
      chunk = 0;
    }
  }
  return hash;
};

export const encodeGeohash = (latitude: number, longitude: number, precision = STORED_PRECISION): string => {
  const g = grid(precision);
  return cellAt(
    precision,
    clampIndex((longitude + 180) / g.width, g.columns),
    clampIndex((latitude + 90) / g.height, g.rows),
  );
};

/** How many cells of this precision cover the box (without listing them). */
export const coveringCount = (box: PlainBox, precision: number): number => {
  const g = grid(precision);
  const cols =
    clampIndex((box.east + 180) / g.width, g.columns) - clampIndex((box.west + 180) / g.width, g.columns) + 1;
  const rows = clampIndex((box.north + 90) / g.height, g.rows) - clampIndex((box.south + 90) / g.height, g.rows) + 1;
  return cols * rows;
};

/** Every cell of this precision that touches the box, sorted (geohash order). */
export const coveringCells = (box: PlainBox, precision: number): string[] => {
  const g = grid(precision);
  const [c0, c1] = [
    clampIndex((box.west + 180) / g.width, g.columns),
    clampIndex((box.east + 180) / g.width, g.columns),
  ];
  const [r0, r1] = [clampIndex((box.south + 90) / g.height, g.rows), clampIndex((box.north + 90) / g.height, g.rows)];
  const cells: string[] = [];
  for (let col = c0; col <= c1; col++) for (let row = r0; row <= r1; row++) cells.push(cellAt(precision, col, row));
  return cells.sort();
};

/** The finest precision (up to the stored one) whose covering of every box stays within `maxCells`. */
export const coveringPrecision = (boxes: PlainBox[], maxCells: number): number => {
  let chosen = 1;
  for (let p = 1; p <= STORED_PRECISION; p++) {
    if (boxes.reduce((sum, box) => sum + coveringCount(box, p), 0) > maxCells) break;
    chosen = p;
  }
  return chosen;
};

/** The next cell of the same precision in geohash order, or undefined after the last ("zzz"). */
const successor = (cell: string): string | undefined => {
  const digits = [...cell].map((c) => BASE32.indexOf(c));
  for (let i = digits.length - 1; i >= 0; i--) {
    if ((digits[i] as number) < 31) {
      digits[i] = (digits[i] as number) + 1;
      return digits.map((d) => BASE32[d]).join('');
    }
    digits[i] = 0;
  }
  return undefined;
};

/** Sorted cells as runs of consecutive ones, `{first, last}`: one key range per run instead of one per cell. */
export const cellRuns = (sortedCells: string[]): { first: string; last: string }[] => {
  const runs: { first: string; last: string }[] = [];
  for (const cell of sortedCells) {
    const run = runs.at(-1);
    if (run && successor(run.last) === cell) run.last = cell;
    else if (!run || run.last !== cell) runs.push({ first: cell, last: cell });
  }
  return runs;
};
