// Uploads begun but not finished, kept in local storage so a reload (or a crash) loses nothing:
// picking the same file again resumes a multipart upload from the parts S3 holds, and restarts a
// single-form one. A file is known again by its name, size and modification time.

const ITEM = 'darkroom.pendingUploads';
/** S3 keeps an unfinished multipart upload for days; after a week it is not worth offering. */
const KEEP_MS = 7 * 24 * 3600 * 1000;

export interface PendingUpload {
  fingerprint: string;
  assetId: string;
  type: 'post' | 'multipart';
  name: string;
  size: number;
  startedAt: number;
}

export const fingerprint = (file: File) => `${file.name}\u0000${file.size}\u0000${file.lastModified}`;

const read = (): PendingUpload[] => {
  try {
    const all = JSON.parse(localStorage.getItem(ITEM) ?? '[]') as PendingUpload[];
    return all.filter((p) => Date.now() - p.startedAt < KEEP_MS);
  } catch {
    return [];
  }
};

const write = (all: PendingUpload[]) => localStorage.setItem(ITEM, JSON.stringify(all));

export const pendingUploads = {
  all: read,
  find: (file: File) => read().find((p) => p.fingerprint === fingerprint(file)),
  save: (upload: PendingUpload) => write([...read().filter((p) => p.fingerprint !== upload.fingerprint), upload]),
  forget: (print: string) => write(read().filter((p) => p.fingerprint !== print)),
};

/** This browser's device id for the API's `device_id`, made once. */
export const deviceId = (): string => {
  const existing = localStorage.getItem('darkroom.deviceId');
  if (existing) return existing;
  const made = `web-${crypto.randomUUID()}`;
  localStorage.setItem('darkroom.deviceId', made);
  return made;
};
