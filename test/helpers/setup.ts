import '#infra/local/node20.ts';

process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
