import { Logger } from '@aws-lambda-powertools/logger';

/** One logger for the whole project; level from POWERTOOLS_LOG_LEVEL. */
export const logger = new Logger({ serviceName: 'darkroom' });
