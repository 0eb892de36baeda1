/** Rows as aligned columns under a header, for people; scripts use --json. */
export const table = (header: string[], rows: (string | number | null | undefined)[][]): string => {
  const cells = [
    header,
    ...rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '—' : String(cell)))),
  ];
  const widths = header.map((_, i) => Math.max(...cells.map((row) => (row[i] ?? '').length)));
  return cells
    .map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  '))
    .join('\n');
};
