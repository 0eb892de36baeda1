import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

// The one place that knows how s3rver keeps a multipart upload on disk (its FilesystemStore:
// initiateUpload, putPart): <root>/<bucket>/._S3rver_uploads/<uploadId>/ holds the object's
// `key`, and each part as `<n>` beside its hex MD5 in `<n>.md5`. An upload id is 16 random bytes
// in hex; checking that shape also keeps a hostile id from naming another folder.

export interface UploadPart {
  number: number;
  size: number;
  lastModified: Date;
  /** Quoted, as S3 answers it. */
  etag: string;
}

export interface S3rverUpload {
  /** The uploaded part numbers, ascending. */
  partNumbers(): Promise<number[]>;
  part(number: number): Promise<UploadPart>;
  remove(): Promise<void>;
}

export const s3rverUploads = (root: string) => ({
  /** The upload, when it exists and belongs to this key. */
  async find(bucket: string, key: string, uploadId: string): Promise<S3rverUpload | undefined> {
    if (!/^[0-9a-f]{32}$/.test(uploadId)) return undefined;
    const dir = join(root, bucket, '._S3rver_uploads', uploadId);
    const owner = await readFile(join(dir, 'key'), 'utf8').catch(() => undefined);
    if (owner !== key) return undefined;
    return {
      // A part is listed once its MD5 is written, after its last byte: a part whose upload was cut
      // off leaves bytes but no MD5, and S3 does not list a part it did not finish receiving.
      partNumbers: async () => {
        const names = new Set(await readdir(dir));
        return [...names]
          .filter((f) => /^\d+$/.test(f) && names.has(`${f}.md5`))
          .map(Number)
          .sort((a, b) => a - b);
      },
      part: async (number) => {
        const path = join(dir, String(number));
        const [info, md5] = await Promise.all([stat(path), readFile(`${path}.md5`, 'utf8')]);
        return { number, size: info.size, lastModified: info.mtime, etag: `"${md5.trim()}"` };
      },
      remove: () => rm(dir, { recursive: true, force: true }),
    };
  },
});
