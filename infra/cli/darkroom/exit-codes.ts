/** How `darkroom` ends, for scripts that run it: defined once, documented in --help. */
export const EXIT = {
  /** Every file offered is in the library: uploaded now, or already there. */
  ok: 0,
  /**
   * Some files are not in the library: they failed, or the server refused them (a `.jpg` that is
   * not an image). Files the crawler left out (unsupported extension, empty) do not count: the
   * user is told, and nothing was attempted.
   */
  partial: 1,
  /** The command cannot run as given: a bad flag, a missing path, no URL or key. */
  usage: 2,
  /** The server could not be reached, or refused the key (401): nothing can succeed until that is fixed. */
  unreachable: 3,
  /** Stopped by Ctrl-C (128 + SIGINT, as shells report it); the state is saved for a resume. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface RunOutcome {
  failed: number;
  refused: number;
  interrupted?: boolean;
  unreachable?: boolean;
}

/** An interrupt outranks the rest: the run did not finish, so what it counted is not the answer. */
export const exitCodeFor = (run: RunOutcome): ExitCode => {
  if (run.interrupted) return EXIT.interrupted;
  if (run.unreachable) return EXIT.unreachable;
  return run.failed + run.refused > 0 ? EXIT.partial : EXIT.ok;
};
