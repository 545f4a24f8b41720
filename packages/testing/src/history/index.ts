export * from './prng.js';
export * from './generator.js';
export * from './arbitrary.js';
