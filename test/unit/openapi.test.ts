import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { CLIENT_TYPES_FILE, clientTypesText, DOCUMENT_FILE, documentText } from '#infra/cli/openapi.ts';
import { NOT_OFFERED, ROUTES } from '#shared/http/routes.ts';
import { contractViolation, violationAt } from '#test/helpers/contract.ts';

type Json = Record<string, unknown>;
const document = JSON.parse(documentText()) as Json & { paths: Record<string, Record<string, Json>> };
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = Object.entries(document.paths).flatMap(([path, item]) =>
  Object.entries(item)
    .filter(([method]) => METHODS.includes(method))
    .map(([method, operation]) => ({ path, method, operation })),
);
const pointerPart = (part: string) => part.replaceAll('~', '~0').replaceAll('/', '~1');

describe('the OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const result = await new Validator().validate(document);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator does look: a response without its required description is refused.
    const broken = { ...document, paths: { '/x': { get: { responses: { 200: {} } } } } };
    expect((await new Validator().validate(broken)).valid).toBe(false);
    expect(document.openapi).toBe('3.1.0');
  });

  it('lists exactly the offered routes of the route table, each once, named for its route', () => {
    const offered = Object.entries(ROUTES)
      .filter(([name]) => !(name in NOT_OFFERED))
      .map(([name, route]) => `${name} ${route.method} ${route.path}`);
    const listed = operations.map(
      ({ path, method, operation }) => `${operation.operationId} ${method.toUpperCase()} ${path}`,
    );
    expect(listed.sort()).toEqual(offered.sort());
    for (const name of Object.keys(NOT_OFFERED)) {
      expect(JSON.stringify(document.paths)).not.toContain(
        ROUTES[name as keyof typeof NOT_OFFERED].path.replace('{proxy+}', ''),
      );
    }
  });

  it('asks for the key on every route but the open ones, and documents their errors', () => {
    expect(document.security).toEqual([{ apiKey: [] }]);
    expect((document.components as Json).securitySchemes).toMatchObject({ apiKey: { type: 'http', scheme: 'bearer' } });
    for (const { path, method, operation } of operations) {
      const route = Object.values(ROUTES).find((r) => r.path === path && r.method.toLowerCase() === method);
      const responses = operation.responses as Record<string, Json>;
      if (route?.auth) {
        expect(operation.security, path).toBeUndefined();
        expect(responses['401'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Error401' });
      } else {
        expect(operation.security, path).toEqual([]);
        expect(responses['401'], path).toBeUndefined();
      }
      expect(responses['500'], path).toEqual({ $ref: '#/components/responses/Error500' });
      for (const parameter of (operation.parameters as Json[] | undefined) ?? []) {
        expect(parameter.schema, `${path} ${parameter.name}`).toBeDefined();
      }
    }
  });

  it('holds every example to the schema beside it', () => {
    let checked = 0;
    const walk = (node: unknown, at: string[]) => {
      if (!node || typeof node !== 'object') return;
      const record = node as Json;
      if ('example' in record && 'schema' in record) {
        checked += 1;
        expect(violationAt([...at, 'schema'].map(pointerPart).join('/'), record.example), at.join('/')).toBeUndefined();
      }
      if ('example' in record && 'type' in record) {
        checked += 1;
        expect(violationAt(at.map(pointerPart).join('/'), record.example), at.join('/')).toBeUndefined();
      }
      for (const [key, child] of Object.entries(record)) walk(child, [...at, key]);
    };
    walk(document, []);
    expect(checked).toBeGreaterThanOrEqual(8);
  });

  it('fails an answer that drifts from it', () => {
    const route = { method: 'GET', path: '/api/libraries/{id}' };
    const responses = document.paths['/api/libraries/{id}']?.get?.responses as Record<string, Json>;
    const library = responses['200'] as Json;
    const example = ((library.content as Json)['application/json'] as Json).example as Json;
    expect(contractViolation(route, 200, 'application/json', JSON.stringify(example))).toBeUndefined();
    expect(contractViolation(route, 200, 'application/json', JSON.stringify({ ...example, extra: 1 }))).toMatch(
      /additional properties/,
    );
    expect(contractViolation(route, 200, 'application/json', JSON.stringify({ ...example, asset_count: -1 }))).toMatch(
      /asset_count/,
    );
    expect(contractViolation(route, 201, 'application/json', JSON.stringify(example))).toMatch(/does not list/);
    expect(contractViolation(route, 404, 'application/json', '{"detail":"no such library"}')).toBeUndefined();
    expect(contractViolation(route, 404, 'application/json', '{"message":"Not Found"}')).toMatch(/detail|additional/);
    expect(contractViolation({ method: 'GET', path: '/api/server/ping' }, 200, 'text/plain', 'pong')).toBeUndefined();
  });

  it('is committed as written, with the client types generated from it (npm run openapi)', async () => {
    expect(await readFile(DOCUMENT_FILE, 'utf8')).toBe(documentText());
    expect(await readFile(CLIENT_TYPES_FILE, 'utf8')).toBe(await clientTypesText());
  });
});
