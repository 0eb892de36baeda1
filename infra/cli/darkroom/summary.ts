import { formatBytes, formatDuration, formatRate } from './human.ts';

export interface FileProblem {
  path: string;
  reason: string;
}

/** How a run ended, as the orchestrator counts it. */
export interface RunSummary {
  uploaded: number;
  /** Already in the library: nothing sent, nothing lost. */
  duplicates: number;
  /** Sent, and refused by the server for what the bytes are (415, 413, ...). */
  refused: FileProblem[];
  /** Not uploaded for any other reason: network, server errors, files that vanished. */
  failed: FileProblem[];
  /** Left out by the crawler (unsupported type, empty): told, and not counted as failures. */
  skipped?: FileProblem[];
  bytesSent: number;
  elapsedMs: number;
  interrupted?: boolean;
}

const listed = (label: string, problems: FileProblem[]) => [
  `${label} ${problems.length}`,
  ...problems.map((p) => `  ${p.path} — ${p.reason}`),
];

const countsByReason = (problems: FileProblem[]) => {
  const counts = new Map<string, number>();
  for (const { reason } of problems) counts.set(reason, (counts.get(reason) ?? 0) + 1);
  return [...counts].map(([reason, n]) => `${n} ${reason}`).join(', ');
};

/** The closing lines of an upload; every file not uploaded is named with its reason. */
export const summaryLines = (s: RunSummary): string[] => {
  const skipped = s.skipped ?? [];
  const rate = s.elapsedMs > 0 ? ` (${formatRate((s.bytesSent * 1000) / s.elapsedMs)})` : '';
  return [
    `uploaded ${s.uploaded}`,
    `duplicates ${s.duplicates} (already there)`,
    ...listed('refused', s.refused),
    ...listed('failed', s.failed),
    ...(skipped.length ? [`skipped ${skipped.length} (not offered): ${countsByReason(skipped)}`] : []),
    `sent ${formatBytes(s.bytesSent)} in ${formatDuration(s.elapsedMs)}${rate}`,
    ...(s.interrupted ? ['interrupted: run the same command again to resume'] : []),
  ];
};
