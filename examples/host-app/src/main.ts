// The dealbook host app: `npx tsx examples/host-app/src/main.ts` from the repository root.
// PORT (default 3000), HOST (default 127.0.0.1), DEALBOOK_DB (default ./host-app.db).
import { resolve } from 'node:path';
import { startServer, type RunningServer } from './server.js';

const env = process.env;
const portText = env['PORT'] ?? '3000';
const port = Number(portText);
if (!/^\d{1,5}$/.test(portText) || port > 65_535) {
  console.error(`PORT must be a TCP port number (0–65535), not ${JSON.stringify(portText)}.`);
  process.exit(1);
}
const hostname = env['HOST'] ?? '127.0.0.1';
const dbPath = env['DEALBOOK_DB'] ?? './host-app.db';

let server: RunningServer;
try {
  server = await startServer({ port, hostname, dbPath });
} catch (error) {
  console.error(`Cannot start on ${hostname}:${port} with ${resolve(dbPath)}: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
console.log(`dealbook host app listening on ${server.url} (events in ${resolve(dbPath)}); try ${server.url}/healthz`);

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) {
    console.error(`${signal} again: exiting without waiting.`);
    process.exit(1);
  }
  stopping = true;
  console.log(`${signal}: finishing the requests in flight, then closing the store…`);
  server.close().then(
    () => console.log('closed.'),
    (error: unknown) => {
      console.error('could not close cleanly:', error);
      process.exitCode = 1;
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
