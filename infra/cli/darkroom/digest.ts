import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { availableParallelism } from 'node:os';

/** What the API's bulk check and upload take: base64 SHA-256 (44 chars) and SHA-1 (28 chars). */
export interface FileDigest {
  sha256: string;
  sha1: string;
  /** The bytes read, which may differ from the crawl's size if the file changed since. */
  size: number;
}

// Large reads: with the default 64 KiB the per-chunk overhead is a visible share of hashing time.
const READ_CHUNK = 1024 * 1024;

/** Both digests from one read of the file. */
export const digestFile = async (path: string): Promise<FileDigest> => {
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1');
  let size = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: READ_CHUNK })) {
    const bytes = chunk as Buffer;
    sha256.update(bytes);
    sha1.update(bytes);
    size += bytes.length;
  }
  return { sha256: sha256.digest('base64'), sha1: sha1.digest('base64'), size };
};

export type DigestOutcome<T> = { file: T; digest: FileDigest } | { file: T; error: Error };

export const defaultDigestConcurrency = (): number => availableParallelism();

/**
 * Digests of every file, `concurrency` at a time, in the order given. A file that cannot be read
 * is an outcome with its error, not a reason to stop the others.
 */
export const digestAll = async <T extends { path: string }>(
  files: readonly T[],
  concurrency: number = defaultDigestConcurrency(),
  onDone?: (outcome: DigestOutcome<T>) => void,
): Promise<DigestOutcome<T>[]> => {
  const outcomes: DigestOutcome<T>[] = new Array(files.length);
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < files.length; i = next++) {
      const file = files[i];
      if (file === undefined) break;
      const outcome = await digestFile(file.path).then(
        (digest) => ({ file, digest }),
        (error: unknown) => ({ file, error: error instanceof Error ? error : new Error(String(error)) }),
      );
      outcomes[i] = outcome;
      onDone?.(outcome);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, files.length)) }, worker));
  return outcomes;
};
