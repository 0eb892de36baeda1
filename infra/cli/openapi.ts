import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import openapiTS, { astToString, COMMENT_HEADER } from 'openapi-typescript';
import { openApiDocument } from '#functions/api/openapi/document.ts';

// `npm run openapi`: writes the OpenAPI document and the typed client's types generated from it.
// Both are committed, so a client can be generated without running anything, and a test fails
// when either is stale.

export const DOCUMENT_FILE = resolve(import.meta.dirname, '../../openapi.json');
export const CLIENT_TYPES_FILE = resolve(import.meta.dirname, '../../shared/client/schema.ts');

export const documentText = () => `${JSON.stringify(openApiDocument(), null, 2)}\n`;

export const clientTypesText = async () =>
  COMMENT_HEADER + astToString(await openapiTS(JSON.parse(documentText()), { alphabetize: false }));

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeFile(DOCUMENT_FILE, documentText());
  await writeFile(CLIENT_TYPES_FILE, await clientTypesText());
  console.log(`wrote ${DOCUMENT_FILE} and ${CLIENT_TYPES_FILE}`);
}
