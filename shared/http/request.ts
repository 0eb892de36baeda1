import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { z } from 'zod';
import { Invalid, MalformedRequest } from '../domain/errors.ts';

/** Parses with a zod schema; a failure names the first offending field. */
export const parseInput = <S extends z.ZodType>(schema: S, input: unknown): z.infer<S> => {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue?.path.join('.') || 'body';
  const message = issue?.code === 'unrecognized_keys' ? `unknown field ${issue.keys.join(', ')}` : issue?.message;
  throw new Invalid(`${field}: ${message ?? 'invalid'}`);
};

export const jsonBody = <S extends z.ZodType>(event: APIGatewayProxyEventV2, schema: S): z.infer<S> => {
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
