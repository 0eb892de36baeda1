import { loadFaceConfig } from '#shared/config.ts';
import { createFaceHandler } from './create-handler.ts';

// The Lambda entry point: the configuration is Lambda's environment, parsed once at cold start.
export const handler = createFaceHandler(loadFaceConfig());
