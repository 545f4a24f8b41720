// How the chain hash is computed and verified, against the reference library path.
import { canonicalJson, computeEventHash, lineHashMatches, sealEvents, sha256Hex, toJsonLine, ZERO_HASH, type EventEnvelope } from '@dealbook/eventsourcing';
import { sampleEvent } from './fixtures.js';
import { paired, record, throughput } from './harness.js';

const section = 'hashing';

export async function hashingBenchmarks(options: { readonly quick: boolean }): Promise<void> {
  console.log(`\n${section}: canonical JSON + SHA-256, and verifying JSONL lines`);
  const count = options.quick ? 5_000 : 50_000;
  const rounds = options.quick ? 3 : 5;
  const envelopes: EventEnvelope[] = [];
  for (let i = 0; i < count; i++) envelopes.push(sealEvents(`contract-${i}`, 0, ZERO_HASH, [sampleEvent(i)], '2026-03-02T01:30:00.000Z')[0]!);
  const lines = envelopes.map(toJsonLine);
  const parsed = lines.map((l) => JSON.parse(l) as EventEnvelope);
  const unhashed = envelopes.map(({ hash: _h, ...rest }) => rest);

  const reference = () => throughput(count, (i) => sha256Hex(canonicalJson(unhashed[i])));
  const fast = await paired(rounds, reference, () => throughput(count, (i) => computeEventHash(unhashed[i]!)));
  record({ section, name: 'hash an envelope (sorted copy + JSON.stringify)', unit: 'events/s', value: fast.subject, baselineName: 'canonicalize + SHA-256', baseline: fast.baseline, ratio: fast.ratio, spread: fast.spread });
  const lineFast = await paired(rounds, reference, () => throughput(count, (i) => lineHashMatches(lines[i]!, parsed[i]!)));
  record({ section, name: 'verify a canonical JSONL line (bytes, no re-serialization)', unit: 'lines/s', value: lineFast.subject, baselineName: 'canonicalize + SHA-256', baseline: lineFast.baseline, ratio: lineFast.ratio, spread: lineFast.spread });
}
