import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import type { S3Error } from './s3-error.ts';

// s3rver parses a POST form again, with another major version of busboy, reads only an exact
// `key`, takes any part named `file` as the file and ignores what follows. So the gate parses the
// form once, refuses whatever two parsers could read differently (a repeated name in any case, a
// `file` part without a filename, anything after the file), and hands s3rver a form rebuilt from
// exactly the fields and bytes it verified.

export interface ParsedForm {
  /** The fields before the file, by lower-case name: S3 compares field names case-insensitively. */
  fields: Map<string, string>;
  /** Where the file's bytes were spooled, and how many there are. */
  file: { path: string; size: number };
}

// S3 refuses more than this before the file (MaxPostPreDataLengthExceeded); busboy would truncate.
const PRE_DATA_LIMIT = 64 * 1024;
// A name is written back into a quoted Content-Disposition; an HTTP token cannot break out of it.
const FIELD_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,128}$/;

const invalid = (message: string): S3Error => ({ status: 400, code: 'InvalidArgument', message });
const malformed: S3Error = {
  status: 400,
  code: 'MalformedPOSTRequest',
  message: 'The body of your POST request is not well-formed multipart/form-data.',
};
const tooLarge: S3Error = {
  status: 400,
  code: 'MaxPostPreDataLengthExceeded',
  message: 'Your POST request fields preceding the upload file were too large.',
};
const notOneFile = invalid('POST requires exactly one file upload per request.');
const afterFile = invalid('The file must be the last field in the form.');

/** Reads the form, spooling the file to `filePath`; the first reason to refuse it wins. */
export const readPostForm = async (req: IncomingMessage, filePath: string): Promise<ParsedForm | S3Error> => {
  let parser: busboy.Busboy;
  try {
    parser = busboy({ headers: req.headers, limits: { fieldSize: PRE_DATA_LIMIT + 1, fieldNameSize: 256 } });
  } catch {
    return malformed;
  }
  const fields = new Map<string, string>();
  let refusal: S3Error | undefined;
  let preData = 0;
  let spooled: Promise<void> | undefined;
  const refuse = (why: S3Error) => {
    refusal ??= why;
  };

  parser.on('field', (name, value, info) => {
    const lower = name.toLowerCase();
    preData += name.length + value.length;
    if (spooled) refuse(afterFile);
    else if (lower === 'file') refuse(notOneFile);
    else if (info.nameTruncated || info.valueTruncated || preData > PRE_DATA_LIMIT) refuse(tooLarge);
    else if (!FIELD_NAME.test(name)) refuse(malformed);
    else if (fields.has(lower)) refuse(invalid(`The form field ${name} appears more than once.`));
    else fields.set(lower, value);
  });
  parser.on('file', (name, stream) => {
    if (spooled || name.toLowerCase() !== 'file') {
      refuse(spooled ? afterFile : notOneFile);
      stream.resume();
      return;
    }
    spooled = pipeline(stream, createWriteStream(filePath));
    // Awaited once the form is read; until then a failed write must not count as unhandled.
    spooled.catch(() => undefined);
  });

  try {
    await pipeline(req, parser);
  } catch {
    return malformed;
  }
  if (refusal) return refusal;
  if (!spooled) return notOneFile;
  await spooled;
  return { fields, file: { path: filePath, size: (await stat(filePath)).size } };
};

/** The form as s3rver reads it: each verified field once, under its lower-case name, then the file. */
export const canonicalForm = (
  { fields, file }: ParsedForm,
  headers: IncomingHttpHeaders,
): { headers: IncomingHttpHeaders; content: Readable } => {
  // Random, and chosen after the client sent its bytes, so no field or file can contain it.
  const boundary = `darkroom-${randomBytes(16).toString('hex')}`;
  const part = (disposition: string) => `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\n`;
  const head = Buffer.from(
    [...fields].map(([name, value]) => `${part(`name="${name}"`)}\r\n${value}\r\n`).join('') +
      `${part('name="file"; filename="file"')}Content-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  // The body is a new one of known length, so neither the client's framing nor its Expect applies.
  const { 'transfer-encoding': _framing, expect: _expect, ...kept } = headers;
  return {
    headers: {
      ...kept,
      'content-type': `multipart/form-data; boundary=${boundary}`,
      'content-length': String(head.length + file.size + tail.length),
    },
    content: Readable.from(
      (async function* () {
        yield head;
        yield* createReadStream(file.path);
        yield tail;
      })(),
    ),
  };
};
