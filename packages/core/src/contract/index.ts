export * from './terms.js';
export * from './commands.js';
export * from './events.js';
export * from './state.js';
export * from './rules.js';
export * from './decider.js';
