import { loadConfig } from '#shared/config.ts';
import { createFeedHandler } from './create-handler.ts';

// The Lambda entry point: the configuration is Lambda's environment, parsed once at cold start.
export const handler = createFeedHandler(loadConfig());
