import '#infra/local/node20.ts';

// Imported first by benchmarks that run the stack in-process: the logger reads its level at import.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
