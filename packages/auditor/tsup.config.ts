import { defineConfig } from 'tsup';
import base from '../../tsup.config.base.js';

// The library and the `dealbook` bin. The bin is ESM only (top-level await); the library is ESM + CJS.
export default defineConfig([
  { ...base, entry: ['src/index.ts'] },
  { ...base, entry: { cli: 'src/bin.ts' }, format: ['esm'], dts: false, clean: false },
]);
