import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { z } from 'zod';
import { Invalid } from '#shared/domain/errors.ts';

// Query strings. API Gateway (and the local adapter) join a repeated parameter's values with
// commas, so `include=a&include=b` and `include=a,b` arrive alike: list parameters split on them.

export const queryOf = (event: APIGatewayProxyEventV2): Record<string, string> =>
  Object.fromEntries(
    Object.entries(event.queryStringParameters ?? {}).filter((e): e is [string, string] => e[1] !== undefined),
  );

/** A list parameter: repeated or comma-separated, empty items dropped. */
export const listParam = <T extends z.ZodType<unknown, string>>(item: T, max: number) =>
  z
    .string()
    .transform((value) =>
      value
        .split(',')
        .map((v) => v.trim())
        .filter(Boolean),
    )
    .pipe(z.array(item).min(1).max(max))
    // Documented as what a client sends: an array (repeated parameters), not the string it arrives as.
    .meta({ override: { type: 'array', items: itemSchema(item), minItems: 1, maxItems: max } });

const itemSchema = (item: z.ZodType) => {
  const { $schema: _, ...schema } = z.toJSONSchema(item, { io: 'input' });
  return schema;
};

/**
 * Parses a query with a strict zod object. A failure names the parameter as a query parameter,
 * so a client that sent it in the query never reads "body"; `unsupported` names parameters that
 * upstream has and Darkroom does not offer, with why.
 */
export const parseQuery = <S extends z.ZodType>(
  schema: S,
  query: Record<string, string>,
  unsupported: Record<string, string> = {},
): z.infer<S> => {
  for (const name of Object.keys(query)) {
    const why = unsupported[name];
    if (why !== undefined) throw new Invalid(`query parameter ${name}: not supported by Darkroom (${why})`);
  }
  const parsed = schema.safeParse(query);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  if (issue?.code === 'unrecognized_keys') throw new Invalid(`query parameter ${issue.keys.join(', ')}: unknown`);
  const name = issue?.path[0] === undefined ? 'query' : `query parameter ${String(issue.path[0])}`;
  const at = issue && issue.path.length > 1 ? ` (item ${issue.path.slice(1).join('.')})` : '';
  throw new Invalid(`${name}${at}: ${issue?.message ?? 'invalid'}`);
};
