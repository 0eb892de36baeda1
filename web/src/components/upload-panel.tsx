import { useEffect, useRef, useState } from 'preact/hooks';
import { bytes } from '../format.ts';
import { useStore } from '../store.ts';
import { fingerprint, type PendingUpload, pendingUploads } from '../uploads/pending.ts';
import type { UploadItem, UploadQueue } from '../uploads/queue.ts';

// Upload by dropping files anywhere on the page or picking them; per-file and total progress, pause
// and resume; uploads a reload interrupted are listed until the same files are picked again.

const STATUS_TEXT: Record<UploadItem['status'], string> = {
  queued: 'Waiting',
  checking: 'Preparing',
  sending: 'Uploading',
  paused: 'Paused',
  processing: 'Processing',
  ready: 'Done',
  duplicate: 'Duplicate',
  failed: 'Failed',
};

const accept = 'image/*,video/*,.heic,.heif,.dng';

export const useDropTarget = (onFiles: (files: File[]) => void) => {
  const [over, setOver] = useState(false);
  useEffect(() => {
    const hasFiles = (e: DragEvent) => e.dataTransfer?.types.includes('Files') ?? false;
    const enter = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setOver(true);
    };
    const leave = (e: DragEvent) => {
      if (!e.relatedTarget) setOver(false);
    };
    const drop = (e: DragEvent) => {
      if (!hasFiles(e)) return;
      e.preventDefault();
      setOver(false);
      onFiles([...(e.dataTransfer?.files ?? [])]);
    };
    addEventListener('dragenter', enter);
    addEventListener('dragover', enter);
    addEventListener('dragleave', leave);
    addEventListener('drop', drop);
    return () => {
      removeEventListener('dragenter', enter);
      removeEventListener('dragover', enter);
      removeEventListener('dragleave', leave);
      removeEventListener('drop', drop);
    };
  }, [onFiles]);
  return over;
};

export const PickFiles = ({ onFiles, label = 'Upload' }: { onFiles: (files: File[]) => void; label?: string }) => {
  const input = useRef<HTMLInputElement>(null);
  return (
    <>
      <button type="button" class="primary" onClick={() => input.current?.click()}>
        {label}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={accept}
        hidden
        aria-label="Files to upload"
        onChange={(e) => {
          const target = e.currentTarget as HTMLInputElement;
          onFiles([...(target.files ?? [])]);
          target.value = '';
        }}
      />
    </>
  );
};

export const UploadPanel = ({ queue, onFiles }: { queue: UploadQueue; onFiles: (files: File[]) => void }) => {
  const items = useStore(queue.items);
  const [interrupted, setInterrupted] = useState<PendingUpload[]>(() => pendingUploads.all());
  useEffect(() => {
    const inQueue = new Set(items.map((i) => fingerprint(i.file)));
    setInterrupted(pendingUploads.all().filter((p) => !inQueue.has(p.fingerprint)));
  }, [items]);
  const forget = (print: string) => {
    pendingUploads.forget(print);
    setInterrupted((all) => all.filter((p) => p.fingerprint !== print));
  };
  if (!items.length && !interrupted.length) return null;

  const total = items.reduce((sum, i) => sum + i.file.size, 0);
  const sent = items.reduce((sum, i) => sum + Math.min(i.sent, i.file.size), 0);
  const active = items.some((i) => ['queued', 'checking', 'sending'].includes(i.status));
  const paused = items.some((i) => i.status === 'paused');
  return (
    <section class="uploads" aria-label="Uploads">
      {interrupted.length > 0 && (
        <div class="interrupted" role="status">
          <p>
            {interrupted.length === 1 ? 'An upload was' : `${interrupted.length} uploads were`} interrupted. Pick the
            same {interrupted.length === 1 ? 'file' : 'files'} again to resume:
          </p>
          <ul>
            {interrupted.map((p) => (
              <li key={p.fingerprint}>
                {p.name} ({bytes(p.size)}) {p.type === 'multipart' ? '— resumes where it stopped' : '— starts again'}
                <button type="button" class="link" onClick={() => forget(p.fingerprint)}>
                  Forget
                </button>
              </li>
            ))}
          </ul>
          <PickFiles onFiles={onFiles} label="Pick files to resume" />
        </div>
      )}
      {items.length > 0 && (
        <>
          <header>
            <h2>
              Uploads{' '}
              <span class="count">
                {items.filter((i) => ['ready', 'duplicate'].includes(i.status)).length}/{items.length}
              </span>
            </h2>
            <progress max={total} value={sent} aria-label="All uploads">
              {Math.round((100 * sent) / Math.max(1, total))}%
            </progress>
            {active && (
              <button type="button" onClick={() => queue.pauseAll()}>
                Pause all
              </button>
            )}
            {paused && (
              <button type="button" onClick={() => queue.resumeAll()}>
                Resume all
              </button>
            )}
            {!active && (
              <button type="button" onClick={() => queue.clearFinished()}>
                Clear finished
              </button>
            )}
          </header>
          {/* Scrolls when long, so it takes the keyboard's focus too. */}
          {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard. */}
          <ul class="upload-list" tabIndex={0} aria-label="Files">
            {items.map((i) => (
              <li key={i.key} class={`upload status-${i.status}`} data-status={i.status}>
                <span class="name">{i.file.name}</span>
                <progress
                  max={i.file.size}
                  value={Math.min(i.sent, i.file.size)}
                  aria-label={`Upload of ${i.file.name}`}
                />
                <span class="status">
                  {STATUS_TEXT[i.status]}
                  {i.message ? `: ${i.message}` : ''}
                </span>
                {['queued', 'checking', 'sending'].includes(i.status) && (
                  <button type="button" onClick={() => queue.pause(i.key)} aria-label={`Pause ${i.file.name}`}>
                    Pause
                  </button>
                )}
                {['paused', 'failed'].includes(i.status) && (
                  <button type="button" onClick={() => queue.resume(i.key)} aria-label={`Resume ${i.file.name}`}>
                    {i.status === 'failed' ? 'Retry' : 'Resume'}
                  </button>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
};
