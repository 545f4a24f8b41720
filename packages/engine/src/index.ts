export * from './aggregate-module.js';
export * from './errors.js';
export * from './engine.js';
export * from './modules.js';
export * from './workload-index.js';
