// The typed Darkroom client for Node and browsers: `createDarkroomClient` and the upload helpers.
export * from './client.ts';
export type { components, operations, paths } from './schema.ts';
export * from './uploads.ts';
