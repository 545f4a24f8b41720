export * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './rules.js';
export * from './decider.js';
export * from './report-deadline.js';
