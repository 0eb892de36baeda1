import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { Invalid, MalformedRequest } from '#shared/domain/errors.ts';

/** Parses with a zod schema; a failure names the first offending field. */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown): z.infer<S> => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  const message = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue?.message;
  throw new Invalid(`${field}: ${message ?? 'invalid'}`);
};

/** JSON bodies are small (5000 checksums are about 240 KB); anything larger is refused before parsing. */
export const MAX_JSON_BYTES = 1024 * 1024;

export const jsonBody = <S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> => {
  if (Buffer.byteLength(event.body ?? '', event.isBase64Encoded ? 'base64' : 'utf8') > MAX_JSON_BYTES) {
    throw new Invalid(`body: larger than ${MAX_JSON_BYTES} bytes`);
  }
  const raw =
    event.body === undefined
      ? ''
      : event.isBase64Encoded
        ? Buffer.from(event.body, 'base64').toString('utf8')
        : event.body;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new MalformedRequest('body must be a JSON object');
  }
  return parseInput(schema, value);
};
