import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { openApiDocument } from '#functions/api/openapi/document.ts';

// Holds answers to the OpenAPI document (not to the zod schemas it was made from), so a drift
// between what a route sends and what the document promises fails whichever test met it.

type Json = Record<string, unknown>;
const document = JSON.parse(JSON.stringify(openApiDocument())) as Json & { paths: Record<string, Json> };
const ID = 'darkroom-openapi';

const ajv = new Ajv2020({ strict: false, allErrors: false });
addFormats.default(ajv);
ajv.addFormat('binary', true);
ajv.addSchema({ ...document, $id: ID });

const pointer = (...parts: string[]) => parts.map((p) => p.replaceAll('~', '~0').replaceAll('/', '~1')).join('/');
const compiled = new Map<string, ValidateFunction>();
const validatorAt = (path: string) => {
  let validate = compiled.get(path);
  if (!validate) {
    validate = ajv.getSchema(`${ID}#/${path}`);
    if (!validate) throw new Error(`the document has no schema at ${path}`);
    compiled.set(path, validate);
  }
  return validate;
};

/** The document's response object (a `$ref` to a registered one followed) and where it is. */
const responseAt = (path: string, method: string, status: number): { at: string; response: Json } | undefined => {
  const responses = (document.paths[path]?.[method] as Json | undefined)?.responses as Record<string, Json> | undefined;
  const response = responses?.[String(status)];
  if (!response) return undefined;
  const ref = response.$ref;
  if (typeof ref === 'string') {
    const name = ref.split('/').pop() as string;
    return {
      at: pointer('components', 'responses', name),
      response: (document.components as Json & { responses: Record<string, Json> }).responses[name] as Json,
    };
  }
  return { at: pointer('paths', path, method, 'responses', String(status)), response };
};

/** Whether the document describes this route (routes that only say "not offered" are not in it). */
export const documented = (method: string, path: string) => document.paths[path]?.[method.toLowerCase()] !== undefined;

/** Validates a value at a JSON pointer into the document (an example, a schema); undefined when it holds. */
export const violationAt = (path: string, value: unknown): string | undefined => {
  const validate = validatorAt(path);
  return validate(value) ? undefined : ajv.errorsText(validate.errors);
};

/**
 * Why an answer breaks the document, or undefined when it keeps it: the status must be one the
 * route documents, and the body must match that response's schema for its content type.
 */
export const contractViolation = (
  route: { method: string; path: string },
  status: number,
  contentType: string | undefined,
  body: string,
): string | undefined => {
  const method = route.method.toLowerCase();
  const found = documented(method, route.path)
    ? responseAt(route.path, method, status)
    : status === 404
      ? { at: pointer('components', 'responses', 'Error404'), response: {} }
      : undefined;
  if (!found) return `${route.method} ${route.path} answered ${status}, which the document does not list`;
  const type = (contentType ?? '').split(';')[0]?.trim() ?? '';
  const content = found.response.content as Record<string, unknown> | undefined;
  if (found.response.$ref === undefined && content && !(type in content) && documented(method, route.path)) {
    return `${route.method} ${route.path} ${status} answered ${type || 'no content type'}, not ${Object.keys(content).join(' or ')}`;
  }
  let value: unknown = body;
  if (type === 'application/json') {
    try {
      value = JSON.parse(body);
    } catch {
      return `${route.method} ${route.path} ${status}: the body is not JSON`;
    }
  }
  const problem = violationAt(`${found.at}/${pointer('content', type, 'schema')}`, value);
  return problem && `${route.method} ${route.path} ${status}: ${problem}`;
};
