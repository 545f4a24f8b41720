export * from './report.js';
export * from './codes.js';
export * from './auditor.js';
export * from './build-report.js';
export * from './html-report.js';
export * from './jsonl-source.js';
export * from './sources.js';
export * from './plant.js';
export { runCli, EXIT, USAGE, UsageError, type CliIo } from './cli.js';
