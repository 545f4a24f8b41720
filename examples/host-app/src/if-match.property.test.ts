import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { commandClient, day, startTestHost, type CommandClient, type TestHost } from './test-support.js';

let host: TestHost;
let client: CommandClient;
beforeAll(async () => {
  host = await startTestHost();
  client = commandClient(host, 'prop');
  await client.send(day(1), { type: 'HireRep', repId: 'm-1', name: 'Manager', role: 'manager', regions: ['east-china'] });
});
afterAll(async () => {
  await host.dispose();
});

/** One command on the stream and the precondition it carries. */
type Step =
  | { readonly kind: 'current' } // If-Match: the version as last seen → accepted
  | { readonly kind: 'stale'; readonly offset: number } // If-Match: another version → 412
  | { readonly kind: 'exists' } // If-Match: * → accepted (the rep exists)
  | { readonly kind: 'create-only' } // If-None-Match: * → 412
  | { readonly kind: 'unconditional' } // no header → accepted
  | { readonly kind: 'race'; readonly size: number }; // several at once with the current version → exactly one accepted

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.constant({ kind: 'current' } as const),
  fc.integer({ min: -5, max: 5 }).filter((n) => n !== 0).map((offset) => ({ kind: 'stale', offset }) as const),
  fc.constant({ kind: 'exists' } as const),
  fc.constant({ kind: 'create-only' } as const),
  fc.constant({ kind: 'unconditional' } as const),
  fc.integer({ min: 2, max: 4 }).map((size) => ({ kind: 'race', size }) as const),
);

let run = 0;

it('over random interleavings of current and stale preconditions on one stream, only the current ones land: final version = accepted events, every rejection a 412 that appended nothing', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 8 }), async (steps) => {
      const repId = `p-${++run}`;
      const streamId = `rep-${repId}`;
      const hired = await client.send(day(2), { type: 'HireRep', repId, name: 'Prop', role: 'representative', managerId: 'm-1', regions: ['east-china'] }, { 'If-None-Match': '*' });
      expect(hired.status).toBe(201);
      let version = 0;
      const accepted = new Set<string>([(hired.body['events'] as { metadata: { commandId: string } }[])[0]!.metadata.commandId]);
      let n = 0;
      const command = () => ({ type: 'RecordTraining', repId, course: `course ${++n}`, hours: 1, score: 70, commandId: `${repId}-${n}` });

      for (const s of steps) {
        if (s.kind === 'race') {
          const sent = Array.from({ length: s.size }, command);
          const results = await Promise.all(sent.map((c) => client.send(day(3), c, { 'If-Match': `"${version}"` })));
          expect(results.map((r) => r.status).sort()).toEqual([200, ...Array<number>(s.size - 1).fill(412)]);
          const winner = results.findIndex((r) => r.status === 200);
          accepted.add(sent[winner]!.commandId);
          version += 1;
          continue;
        }
        const c = command();
        const headers =
          s.kind === 'current' ? { 'If-Match': `"${version}"` }
          : s.kind === 'stale' ? { 'If-Match': `"${version + s.offset < 0 ? version + 100 : version + s.offset}"` }
          : s.kind === 'exists' ? { 'If-Match': '*' }
          : s.kind === 'create-only' ? { 'If-None-Match': '*' }
          : {};
        const result = await client.send(day(3), c, headers);
        const lands = s.kind === 'current' || s.kind === 'exists' || s.kind === 'unconditional';
        if (lands) {
          expect(result.status).toBe(200);
          version += 1;
          expect(result.headers.get('etag')).toBe(`"${version}"`);
          accepted.add(c.commandId);
        } else {
          expect(result.status).toBe(412);
          expect(result.headers.get('content-type')).toBe('application/problem+json');
          expect(result.body['actualVersion']).toBe(version);
        }
      }

      const stored = (await host.store.readStream(streamId)).map((r) => r.event);
      expect(stored).toHaveLength(accepted.size); // one event per accepted command, none from a rejected one
      expect(new Set(stored.map((e) => e.metadata.commandId))).toEqual(accepted);
      const state = await client.get(`/aggregates/rep/${repId}`);
      expect(state.body['version']).toBe(version);
      expect(state.body['version']).toBe(stored.length - 1);
    }),
    { numRuns: 25 },
  );
});
