import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fmt, machine, notes, results } from './harness.js';

/** Writes docs/performance.md from this run's measurements. */
export function writePerformanceDoc(): string {
  const path = fileURLToPath(new URL('../docs/performance.md', import.meta.url));
  const sections = [...new Set(results.map((r) => r.section))];
  const lines = [
    '# Performance',
    '',
    'Written by `npm run bench` (or `pnpm bench`) from the repository root, after `npm test` has installed; `npm run bench -- --quick` is a smoke run that does not write this page.',
    'Every figure stands beside a baseline measured in the same run on the same machine: compare the ratios, not the absolute numbers. A ratio is the median of alternating rounds (each from a collected heap); in brackets, the lowest and highest round — on a shared machine a round can move by a quarter either way.',
    '',
    `Last run: ${new Date().toISOString().slice(0, 10)} on ${machine()}.`,
    '',
  ];
  for (const section of sections) {
    lines.push(`## ${section}`, '', '| measurement | value | baseline (same run) | ratio | goal |', '|---|---|---|---|---|');
    for (const r of results.filter((x) => x.section === section)) {
      const goal = r.goal ? `${r.goal.text}: **${r.goal.met ? 'met' : 'not met'}**` : '';
      lines.push(`| ${r.name}${r.note ? ` (${r.note})` : ''} | ${fmt(r.value)} ${r.unit} | ${r.baselineName}: ${fmt(r.baseline)} | ${r.ratio.toFixed(2)}×${r.spread ? ` (${r.spread[0].toFixed(2)}–${r.spread[1].toFixed(2)})` : ''} | ${goal} |`);
    }
    lines.push('');
    for (const n of notes.filter((x) => x.section === section)) lines.push(n.text, '');
  }
  writeFileSync(path, lines.join('\n'));
  return path;
}
