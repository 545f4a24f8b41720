#!/usr/bin/env node
// Runs the pnpm version pinned in package.json's "packageManager" field, on a
// machine that has only Node and npm: `node scripts/pnpm.mjs <pnpm args…>`.
// When already running under that pnpm it reuses it; otherwise it goes through
// `npx -y pnpm@<pinned>` (corepack is not needed).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pinned = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).packageManager;
const match = /^pnpm@(\d+\.\d+\.\d+)$/.exec(pinned ?? '');
if (!match) {
  console.error(`scripts/pnpm.mjs: package.json "packageManager" must be "pnpm@x.y.z", got ${JSON.stringify(pinned)}`);
  process.exit(2);
}
const version = match[1];
const args = process.argv.slice(2);
const agent = process.env.npm_config_user_agent ?? '';
const execPath = process.env.npm_execpath ?? '';
const underPinnedPnpm = agent.startsWith(`pnpm/${version} `) && /pnpm/.test(execPath);

const [command, commandArgs] = underPinnedPnpm
  ? [process.execPath, [execPath, ...args]]
  : [process.platform === 'win32' ? 'npx.cmd' : 'npx', ['-y', `pnpm@${version}`, ...args]];

const result = spawnSync(command, commandArgs, { cwd: root, stdio: 'inherit', shell: process.platform === 'win32' });
if (result.error) {
  console.error(`scripts/pnpm.mjs: could not start pnpm ${version}: ${result.error.message}`);
  process.exit(2);
}
process.exit(result.status ?? 1);
