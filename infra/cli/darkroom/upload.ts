import { hostname } from 'node:os';
import { z } from 'zod';
import { ApiError, type Asset, createDarkroomClient, type DarkroomClient, unwrap } from '#shared/client/index.ts';
import { maxBytesFor } from '#shared/domain/media-types.ts';
import { addToAlbum, findOrCreateAlbum } from './album-target.ts';
import type { UploadCommand } from './args.ts';
import { type CrawledFile, crawl } from './crawl.ts';
import { digestAll } from './digest.ts';
import { EXIT, type ExitCode, exitCodeFor } from './exit-codes.ts';
import { KeyRefused, uploadFile } from './file-upload.ts';
import { createProgress, type ProgressStream } from './progress.ts';
import { RunState, stateFileFor } from './run-state.ts';
import { settleAll } from './settle.ts';
import { summaryLines } from './summary.ts';
import { Tally } from './tally.ts';

// `darkroom upload`: crawl, hash (once: the state remembers), ask the server which files it
// already has (5000 checksums a request), send the rest concurrently, wait for the processor's
// verdict on each, and say what happened. Every step can be cut off; the same command resumes.

const EXIST_BATCH = 5000;
/** How long to wait for the processor when nothing has settled: a stuck file is reported, not waited on forever. */
const SETTLE_IDLE_MS = z.coerce
  .number()
  .int()
  .positive()
  .default(5 * 60_000)
  .parse(process.env.DARKROOM_CLI_SETTLE_IDLE_MS);

export interface UploadIo {
  stdout: NodeJS.WritableStream;
  stderr: ProgressStream;
  signal: AbortSignal;
  /** A live bar or plain lines; by default, whether stderr is a terminal. */
  tty?: boolean;
}

const fingerprint = (file: CrawledFile) => ({ size: file.size, mtimeMs: file.mtimeMs });

export const runUpload = async (command: UploadCommand, io: UploadIo): Promise<ExitCode> => {
  const started = Date.now();
  const say = (line: string) => io.stderr.write(`${line}\n`);
  const client = createDarkroomClient({ baseUrl: command.url, apiKey: command.key });
  const { files, skipped } = await crawl(command.paths, { ignore: command.ignore });
  const tally = new Tally();
  tally.phase('crawl');
  for (const s of skipped) tally.skipped.push({ path: s.path, reason: s.reason });

  await unwrap(client.GET('/api/users/me')).catch(refusedKey);
  if (command.library) await unwrap(client.GET('/api/libraries/{id}', { params: { path: { id: command.library } } }));
  const album = command.album
    ? await findOrCreateAlbum(client, command.album, command.library, !command.dryRun)
    : undefined;

  // Not named by the album: what a file's upload came to does not depend on it, so the same
  // folder with or without --album shares one state (a refused file is not sent again).
  const file =
    command.state ??
    stateFileFor({ url: command.url, paths: command.paths, ...(command.library && { library: command.library }) });
  const { state, corrupt } = await RunState.load(file);
  if (corrupt) say(`the state file could not be read (${corrupt.reason}); it was moved to ${corrupt.movedTo}`);
  const finish = async (code: ExitCode, interrupted = false, wouldUpload?: CrawledFile[]) => {
    await state.flush().catch(() => state.saveNow());
    const elapsedMs = Date.now() - started;
    for (const line of summaryLines(tally.summary(elapsedMs, interrupted))) say(line);
    if (command.json) {
      const report = tally.report({
        elapsedMs,
        exitCode: code,
        dryRun: command.dryRun,
        ...(wouldUpload && { wouldUpload: wouldUpload.map((f) => ({ path: f.path, reason: 'not in the library' })) }),
      });
      io.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    }
    return code;
  };

  const progress = createProgress({ stream: io.stderr, ...(io.tty !== undefined && { tty: io.tty }) });
  const files_ = new Map(files.map((f) => [f.path, f]));
  try {
    // 1. Digests, once per file version.
    const toHash = files.filter((f) => !state.get(f.path, fingerprint(f)));
    if (toHash.length)
      say(
        `hashing ${toHash.length} files${files.length > toHash.length ? ` (${files.length - toHash.length} known from the last run)` : ''}`,
      );
    await digestAll(toHash, undefined, (outcome) => {
      if ('error' in outcome) {
        tally.failed.push({ path: outcome.file.path, reason: `cannot be read: ${outcome.error.message}` });
        files_.delete(outcome.file.path);
      } else if (outcome.digest.size !== outcome.file.size) {
        tally.failed.push({ path: outcome.file.path, reason: 'changed while it was read; run again' });
        files_.delete(outcome.file.path);
      } else {
        state.set(outcome.file.path, fingerprint(outcome.file), { ...outcome.digest, status: 'hashed' });
        state.saveSoon();
      }
    });
    io.signal.throwIfAborted();
    tally.phase('hash');

    // 2. What is settled already (an earlier run), what the server has, what must go.
    const todo: CrawledFile[] = [];
    for (const f of files_.values()) {
      const entry = state.get(f.path, fingerprint(f));
      if (entry?.status === 'done' || entry?.status === 'duplicate') {
        tally.duplicates.push({ path: f.path, assetId: entry.assetId ?? '' });
      } else if (entry?.status === 'refused') {
        tally.refused.push({ path: f.path, reason: entry.reason ?? 'refused' });
      } else if (maxBytesFor(f.mimeType) < f.size) {
        tally.refused.push({
          path: f.path,
          reason: `larger than the ${f.mimeType} limit of ${maxBytesFor(f.mimeType)} bytes`,
        });
      } else todo.push(f);
    }
    const known = await existing(
      client,
      todo.map((f) => state.get(f.path, fingerprint(f))?.sha256 ?? ''),
      command.library,
    );
    const toSend: CrawledFile[] = [];
    const firstOf = new Map<string, CrawledFile>();
    const copies: CrawledFile[] = [];
    for (const f of todo) {
      const entry = state.get(f.path, fingerprint(f));
      const sha = entry?.sha256 ?? '';
      const id = known.get(sha);
      if (id !== undefined) {
        // Ours from a run cut off after the send, or someone else's upload of the same bytes.
        const ours = entry?.assetId === id;
        state.set(f.path, fingerprint(f), { status: ours ? 'done' : 'duplicate', assetId: id });
        (ours ? tally.uploaded : tally.duplicates).push({ path: f.path, assetId: id });
      } else if (firstOf.has(sha)) copies.push(f);
      else {
        firstOf.set(sha, f);
        toSend.push(f);
      }
    }
    tally.phase('exist');
    if (command.dryRun) {
      say(`dry run: would upload ${toSend.length} files; nothing was sent`);
      return finish(EXIT.ok, false, toSend);
    }

    // 3. Send, concurrently; then wait for each verdict.
    const totalBytes = toSend.reduce((sum, f) => sum + f.size, 0);
    if (toSend.length) progress.start(toSend.length, totalBytes);
    const run = new AbortController();
    const stop = () => run.abort(io.signal.reason);
    io.signal.addEventListener('abort', stop, { once: true });
    const sentIds = new Map<string, CrawledFile>();
    let fatal: Error | undefined;
    const settle = (f: CrawledFile, asset: Asset) => {
      const verdict = asset.state === 'ready' ? 'done' : asset.state === 'duplicate' ? 'duplicate' : 'refused';
      const reason = asset.error ?? 'the server could not process it';
      state.set(f.path, fingerprint(f), {
        status: verdict,
        assetId: asset.id,
        ...(verdict === 'refused' && { reason }),
      });
      state.saveSoon();
      if (verdict === 'refused') tally.refused.push({ path: f.path, reason });
      else (verdict === 'done' ? tally.uploaded : tally.duplicates).push({ path: f.path, assetId: asset.id });
      progress.fileDone(verdict === 'done' ? 'uploaded' : verdict === 'duplicate' ? 'duplicate' : 'refused');
    };
    const queue = [...toSend];
    const context = {
      client,
      state,
      deviceId: `darkroom-cli@${hostname()}`,
      ...(command.library && { library: command.library }),
      signal: run.signal,
      onBytes: (n: number) => {
        tally.bytesSent += n;
        progress.advanceBytes(n);
      },
    };
    await Promise.all(
      Array.from({ length: Math.min(command.concurrency, queue.length) }, async () => {
        for (let f = queue.shift(); f !== undefined && !run.signal.aborted; f = queue.shift()) {
          const entry = state.get(f.path, fingerprint(f));
          if (!entry) continue;
          try {
            const result = await uploadFile(context, f, entry);
            if (result.outcome === 'sent') sentIds.set(result.assetId, f);
            else if (result.outcome === 'settled') settle(f, result.asset);
            else if (result.outcome === 'duplicate') {
              state.set(f.path, fingerprint(f), { status: 'duplicate', assetId: result.assetId });
              tally.duplicates.push({ path: f.path, assetId: result.assetId });
              progress.advanceBytes(f.size);
              progress.fileDone('duplicate');
            } else {
              state.set(f.path, fingerprint(f), { status: result.outcome, reason: result.reason });
              state.saveSoon();
              tally[result.outcome].push({ path: f.path, reason: result.reason });
              progress.fileDone(result.outcome);
            }
          } catch (error) {
            fatal ??= error as Error;
            run.abort(error);
          }
        }
      }),
    );
    if (fatal && !io.signal.aborted) throw fatal;
    io.signal.throwIfAborted();
    tally.phase('send');
    const unsettled = await settleAll(client, [...sentIds.keys()], {
      idleTimeoutMs: SETTLE_IDLE_MS,
      signal: io.signal,
      onSettled: (asset) => settle(sentIds.get(asset.id) as CrawledFile, asset),
    });
    for (const id of unsettled) {
      const f = sentIds.get(id) as CrawledFile;
      tally.failed.push({ path: f.path, reason: `sent as ${id}, still processing; run again to check` });
    }
    progress.stop();
    tally.phase('settle');

    // Identical files in the run: one was sent, the others are that asset.
    for (const f of copies) {
      const sha = state.get(f.path, fingerprint(f))?.sha256 ?? '';
      const first = firstOf.get(sha) as CrawledFile;
      const assetId = state.get(first.path, fingerprint(first))?.assetId;
      if (assetId && [...tally.uploaded, ...tally.duplicates].some((u) => u.path === first.path)) {
        state.set(f.path, fingerprint(f), { status: 'duplicate', assetId });
        tally.duplicates.push({ path: f.path, assetId });
      } else tally.failed.push({ path: f.path, reason: `the same bytes as ${first.path}, which was not uploaded` });
    }
    if (album) await addToAlbum(client, album.id, tally.assetIds());
    return finish(exitCodeFor({ failed: tally.failed.length, refused: tally.refused.length }));
  } catch (error) {
    progress.stop();
    if (io.signal.aborted) return finish(EXIT.interrupted, true);
    if (error instanceof KeyRefused) {
      say(`the server refused the key: ${error.message}`);
      return finish(EXIT.unreachable);
    }
    if ((error as Error).name === 'Unreachable') {
      say((error as Error).message);
      return finish(EXIT.unreachable);
    }
    throw error;
  }
};

const refusedKey = (error: unknown): never => {
  throw error instanceof ApiError && error.status === 401 ? new KeyRefused(error.detail) : error;
};

/** Which of these checksums the library holds, 5000 a request. */
const existing = async (client: DarkroomClient, checksums: string[], library: string | undefined) => {
  const unique = [...new Set(checksums.filter(Boolean))];
  const found = new Map<string, string>();
  for (let i = 0; i < unique.length; i += EXIST_BATCH) {
    const { assets } = await unwrap(
      client.POST('/api/assets/exist', {
        params: { query: library ? { library_id: library } : {} },
        body: { checksums: unique.slice(i, i + EXIST_BATCH) },
      }),
    );
    for (const asset of assets) found.set(asset.checksum, asset.id);
  }
  return found;
};
