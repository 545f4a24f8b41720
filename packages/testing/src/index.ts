export * from './decider-spec.js';
export * from './projection-spec.js';
export * from './envelopes.js';
export * from './store-contract.js';
export * from './decider-model.js';
export * from './history/index.js';
export * from './all-records.js';
