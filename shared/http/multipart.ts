import { Readable } from 'node:stream';
import busboy from 'busboy';
import { Invalid, MalformedRequest } from '#shared/domain/errors.ts';
import type { Original } from '#shared/domain/ports.ts';
import { spoolToDisk } from '#shared/storage/spool.ts';

export interface MultipartUpload {
  fields: Record<string, string>;
  file?: { field: string; fileName: string; mimeType: string; local: Original; release(): Promise<void> };
}

const LIMITS = { fields: 20, fieldSize: 4096, files: 1, parts: 21 };

/**
 * Parses a multipart body, streaming the one file part to disk through the hashers. Anything
 * malformed, over the limits or with a second file is refused before it reaches the domain.
 */
export const parseMultipart = async (contentType: string | undefined, body: Buffer): Promise<MultipartUpload> => {
  if (!contentType || !/^multipart\/form-data/i.test(contentType)) {
    throw new MalformedRequest('the body must be multipart/form-data');
  }
  let parser: busboy.Busboy;
  try {
    // Clients send file names as raw UTF-8 (browsers, curl, httpx); busboy's default reads them as Latin-1.
    parser = busboy({ headers: { 'content-type': contentType }, limits: LIMITS, defParamCharset: 'utf8' });
  } catch {
    throw new MalformedRequest('the multipart boundary is missing');
  }
  const fields: Record<string, string> = {};
  let file: MultipartUpload['file'];
  let spooling: Promise<void> | undefined;
  let problem: Error | undefined;

  parser.on('field', (name, value, info) => {
    if (info.valueTruncated) problem ??= new Invalid(`${name}: longer than ${LIMITS.fieldSize} bytes`);
    fields[name] = value;
  });
  parser.on('file', (field, stream, info) => {
    // busboy also fails the part stream on a truncated body; the parser's own error reports it.
    stream.on('error', () => undefined);
    // Settled either way, so a body that ends mid-file cannot leave a rejection unhandled.
    spooling = spoolToDisk(stream).then(
      (spooled) => {
        file = {
          field,
          fileName: info.filename ?? '',
          mimeType: info.mimeType,
          local: spooled.file,
          release: spooled.release,
        };
      },
      (error: Error) => {
        problem ??= new MalformedRequest(`the multipart body is malformed: ${error.message}`);
      },
    );
  });
  for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const) {
    parser.on(limit, () => {
      problem ??= new Invalid('body: too many parts (one file and at most 20 fields)');
    });
  }
  const done = new Promise<void>((resolve, reject) => {
    parser.on('close', resolve);
    parser.on('error', reject);
  });
  Readable.from([body]).pipe(parser);
  const parsed = await done.then(
    () => true,
    () => false,
  );
  await spooling;
  if (!parsed) problem ??= new MalformedRequest('the multipart body is malformed');
  if (problem) {
    await file?.release();
    throw problem;
  }
  return { fields, ...(file && { file }) };
};
