import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { composeAccounts } from '#functions/compose-accounts.ts';
import { type LocalStackOptions, startLocalStack } from '#infra/local/stack.ts';

// The local stack as the whole-flow benchmarks drive it: the processor in its own process, as on
// Lambda, with its log taken the way CloudWatch Logs would take it, so a bench learns the moment
// an asset was processed (and each step's milliseconds) from the processor's own line instead of
// from polling.

export const SAMPLES = join(import.meta.dirname, '../../shared/samples');

/** The fields of the processor's one line per processed object (functions/process/create-handler.ts). */
export interface ProcessedLine {
  key: string;
  assetId?: string;
  outcome: string;
  /** From handling the event to the record written. */
  ms: number;
  /** From the event's send to the queue until its handling began. */
  queuedMs: number;
  steps?: Record<string, number>;
  cold_start?: boolean;
  /** When the line was written (epoch ms, from its ISO timestamp). */
  at: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the API's JSON, read as the bench needs it.
export type Json = Record<string, any>;

export const startFlowStack = async (options: Pick<LocalStackOptions, 'queue'> = {}) => {
  const waiting = new Map<string, (line: ProcessedLine) => void>();
  const seen = new Map<string, ProcessedLine>();
  const lines: ProcessedLine[] = [];
  // The processor is what is measured: the face stage would share its cores.
  const stack = await startLocalStack({
    faceStage: false,
    ...options,
    isolateProcessor: true,
    onProcessorLog: (entry) => {
      if (entry.message !== 'processed' || typeof entry.assetId !== 'string') return;
      const line = { ...entry, at: Date.parse(String(entry.timestamp)) } as unknown as ProcessedLine;
      // A direct upload's own S3 event only finds the work done: not the line anyone waits for.
      if (line.outcome === 'skipped') return;
      lines.push(line);
      seen.set(line.assetId ?? '', line);
      waiting.get(line.assetId ?? '')?.(line);
    },
  });
  const { key } = await composeAccounts(stack.config).createApiKey('bench');
  const authorization = `Bearer ${key}`;

  const call = async (method: string, route: string, body?: unknown): Promise<Json> => {
    const res = await fetch(`${stack.apiUrl}${route}`, {
      method,
      headers: { authorization, 'content-type': 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (!res.ok) throw new Error(`${method} ${route}: ${res.status} ${await res.text()}`);
    return (await res.json()) as Json;
  };

  let n = 0;
  const forms = new Map<Buffer, { body: Buffer; type: string }>();
  const metadata = () => ({
    device_asset_id: `bench-${process.pid}-${n++}`,
    device_id: 'bench',
    file_created_at: '2024-01-01T00:00:00Z',
    file_modified_at: '2024-01-01T00:00:00Z',
  });

  return {
    stack,
    call,
    /** Every line the processor wrote for work it did, in order. */
    lines,
    /** Once `count` lines are there; the times are the lines' own, so this wait's granularity does not matter. */
    lineCount: async (count: number) => {
      while (lines.length < count) await new Promise((r) => setTimeout(r, 10));
    },
    /** The processor's line for the asset: now if it was written already, else once it is. */
    processed: (assetId: string): Promise<ProcessedLine> => {
      const line = seen.get(assetId);
      if (line) return Promise.resolve(line);
      return new Promise((resolve) => waiting.set(assetId, resolve));
    },
    /**
     * `POST /api/assets` with the file as `asset_data`: the answer (the API processes it before
     * answering). A phone builds its request on its own CPU, so the form is encoded once per file
     * and sent as bytes: the bench's client does not compete with the server for the two cores.
     */
    direct: async (bytes: Buffer, fileName: string): Promise<Json> => {
      let form = forms.get(bytes);
      if (!form) {
        const data = new FormData();
        for (const [name, value] of Object.entries(metadata())) data.append(name, value);
        data.append('asset_data', new Blob([bytes]), fileName);
        const encoded = new Request('http://localhost', { method: 'POST', body: data });
        form = { body: Buffer.from(await encoded.arrayBuffer()), type: encoded.headers.get('content-type') ?? '' };
        forms.set(bytes, form);
      }
      const res = await fetch(`${stack.apiUrl}/api/assets`, {
        method: 'POST',
        body: form.body,
        headers: { authorization, 'content-type': form.type },
      });
      if (res.status !== 201) throw new Error(`POST /api/assets: ${res.status} ${await res.text()}`);
      return (await res.json()) as Json;
    },
    /** `POST /api/assets/uploads`, then the form to S3: the asset's id and when S3 answered (epoch ms). */
    presigned: async (bytes: Buffer, fileName: string, mimeType = 'image/jpeg') => {
      const { asset_id: id, upload } = await call('POST', '/api/assets/uploads', {
        ...metadata(),
        file_name: fileName,
        mime_type: mimeType,
        file_size_bytes: bytes.length,
      });
      const form = new FormData();
      for (const [name, value] of Object.entries(upload.fields as Record<string, string>)) form.append(name, value);
      form.append('file', new Blob([bytes], { type: mimeType }), fileName);
      const res = await fetch(upload.url, { method: 'POST', body: form });
      const answeredAt = Date.now();
      if (res.status !== 204) throw new Error(`the S3 POST: ${res.status} ${await res.text()}`);
      return { id: id as string, answeredAt };
    },
    /** Frees the checksum, so the same bytes are a new asset again (dedupe would answer the old one). */
    remove: (id: string) => call('DELETE', `/api/assets/${id}`),
    stop: () => stack.stop(),
  };
};

export type FlowStack = Awaited<ReturnType<typeof startFlowStack>>;

/** The four camera JPEGs of the speed issue, by class. */
export const PHOTOS: [string, string][] = [
  ['JPEG 12 MP (Pixel)', 'jpeg/google-pixel-gps-12mp.jpg'],
  ['JPEG 18 MP (Canon)', 'jpeg/canon-eos-1300d-18mp.jpg'],
  ['JPEG 8 MP (iPhone 6)', 'jpeg/apple-iphone6-gps-8mp.jpg'],
  ['JPEG 9 MP (Nokia 8.3)', 'jpeg/nokia-8.3-gps-offset.jpg'],
];

export const readSample = async (sample: string) => {
  const path = join(SAMPLES, sample);
  return { path, bytes: await readFile(path), fileName: basename(sample) };
};
