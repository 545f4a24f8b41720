// Run by domain.bench.ts in a fresh process: a million-event company history (seed 7, 100 reps over
// 70 months) generated through the engine into the in-memory store, timed from an empty heap, as a
// user's `generateHistory` call in its own process would be. Prints one JSON line: { events, commands, seconds }.
import { generateHistory } from '@dealbook/testing';

const started = performance.now();
const { stats } = await generateHistory({ seed: 7, reps: 100, months: 70 });
const seconds = (performance.now() - started) / 1000;
console.log(JSON.stringify({ events: stats.events, commands: stats.commands, seconds }));
