import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROBLEM_CONTENT_TYPE } from './problems.js';
import { afterSale, approvalAndSignature, commandClient, day, request, saleUpToReview, sendAll, startTestHost, type CommandClient, type HttpResult, type TestHost } from './test-support.js';

let host: TestHost;
let client: CommandClient;
beforeAll(async () => {
  host = await startTestHost();
  client = commandClient(host);
});
afterAll(async () => {
  await host.dispose();
});

/** Every problem: its status, the problem media type, the kind's type URI, and the standard members. */
function expectProblem(result: HttpResult, status: number, kind: string, code?: string): void {
  expect(result.status, JSON.stringify(result.body)).toBe(status);
  expect(result.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE);
  expect(result.body).toMatchObject({ type: `https://dealbook.dev/problems/${kind}`, status, instance: expect.stringMatching(/^\//), title: expect.any(String), detail: expect.any(String) });
  if (code !== undefined) expect(result.body['code']).toBe(code);
  expect(JSON.stringify(result.body)).not.toMatch(/\n\s+at /); // no stack trace
}

const raw = (body: string, headers: Record<string, string> = { 'Content-Type': 'application/json' }) =>
  request(`${host.url}/commands`, { method: 'POST', headers, body });
const streamLength = async (streamId: string) => (await host.store.readStream(streamId)).length;

describe('a sale end to end through POST /commands', () => {
  it('records every step, answers 201 + Location on creation and 200 after, with ETag = version, and GET state = engine.load', async () => {
    // The first command of each aggregate creates it.
    const hired = await client.send(day(2), saleUpToReview[0]!.command);
    expect(hired.status).toBe(201);
    expect(hired.headers.get('location')).toBe('/aggregates/rep/m-1');
    expect(hired.headers.get('etag')).toBe('"0"');
    expect(hired.headers.get('content-type')).toBe('application/json');
    expect(hired.body).toMatchObject({ streamId: 'rep-m-1', version: 0, duplicate: false, reactions: [] });
    expect((hired.body['events'] as { type: string; streamVersion: number }[]).map((e) => [e.type, e.streamVersion])).toEqual([['RepHired', 0]]);

    const submitted = await sendAll(client, saleUpToReview.slice(1));
    expect(submitted.status).toBe(200); // SubmitContractForReview: the contract existed
    expect(submitted.headers.get('location')).toBeNull();
    expect(submitted.headers.get('etag')).toBe('"1"');
    const termsHash = (submitted.body['state'] as { termsHash: string }).termsHash;
    expect(termsHash).toMatch(/^[0-9a-f]{64}$/);

    // Rule 1 of 2: approving other terms than the current ones (R-CONTRACT-LEGAL); nothing appended.
    const wrongApproval = await client.send(day(11), { type: 'ApproveContract', contractId: 'k-1', reviewerId: 'legal-1', termsHash: '0'.repeat(64) });
    expectProblem(wrongApproval, 422, 'rule-violation', 'R-CONTRACT-LEGAL');
    expect(wrongApproval.body['detail']).toMatch(/termsHash|terms/);
    expect(await streamLength('contract-k-1')).toBe(2);

    const [approve, sign] = approvalAndSignature(termsHash);
    await sendAll(client, [approve!]);
    const signed = await client.send(sign!.at, sign!.command);
    expect(signed.status).toBe(200);
    expect(signed.body['reactions']).toEqual([{ streamId: 'opportunity-o-1', version: expect.any(Number) }]);
    await sendAll(client, afterSale);

    for (const [category, id] of [['rep', 'r-7'], ['customer', 'c-1'], ['opportunity', 'o-1'], ['contract', 'k-1']] as const) {
      const got = await client.get(`/aggregates/${category}/${id}`);
      const loaded = await host.engine.load(category, id);
      expect(got.status).toBe(200);
      expect(got.headers.get('etag')).toBe(`"${loaded.version}"`);
      expect(got.body).toEqual({ category, id, version: loaded.version, state: JSON.parse(JSON.stringify(loaded.state)) });
    }
    const contract = await client.get('/aggregates/contract/k-1');
    expect(contract.body['state']).toMatchObject({ status: 'fulfilled' });
    expect((await client.get('/aggregates/opportunity/o-1')).body['state']).toMatchObject({ phase: 'won', wonContractId: 'k-1' });
  });
});

describe('problems', () => {
  it('400 malformed-json for a body that is not JSON (and for an empty body)', async () => {
    expectProblem(await raw('{"type": "HireRep",'), 400, 'malformed-json', 'MALFORMED_JSON');
    expectProblem(await raw(''), 400, 'malformed-json');
  });

  it('415 for a body that is not application/json (missing, text/plain), with Accept-Post; charset parameters are fine', async () => {
    const plain = await raw('{}', { 'Content-Type': 'text/plain' });
    expectProblem(plain, 415, 'unsupported-media-type', 'UNSUPPORTED_MEDIA_TYPE');
    expect(plain.headers.get('accept-post')).toBe('application/json');
    expectProblem(await raw('{}', {}), 415, 'unsupported-media-type');
    expectProblem(await raw('{}', { 'Content-Type': 'Application/JSON; charset=utf-8' }), 400, 'validation'); // accepted as JSON, then validated
  });

  it('413 for a body over 1 MiB, before anything is parsed', async () => {
    const big = JSON.stringify({ type: 'HireRep', commandId: 'big-1', actorId: 'ops', occurredAt: day(2), name: 'x'.repeat(1024 * 1024) });
    const tooLarge = await raw(big);
    expectProblem(tooLarge, 413, 'payload-too-large', 'PAYLOAD_TOO_LARGE');
    expect(tooLarge.headers.get('connection')).toBe('close'); // the unread rest must not be taken for the next request
    // Without Content-Length (a streamed body), the limit holds too.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const chunked = await request(`${host.url}/commands`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: stream, duplex: 'half' } as RequestInit);
    expectProblem(chunked, 413, 'payload-too-large');
  });

  it('400 validation naming each bad field: the HTTP envelope first, then the engine’s schema', async () => {
    const envelope = await raw(JSON.stringify({ commandId: 'has space', occurredAt: '2026-03-02' }));
    expectProblem(envelope, 400, 'validation', 'VALIDATION');
    expect((envelope.body['errors'] as { path: string }[]).map((e) => e.path).sort()).toEqual(['actorId', 'commandId', 'occurredAt', 'type']);

    const fields = await client.send(day(2), { type: 'HireRep', repId: 'rep 8', role: 'boss' });
    expectProblem(fields, 400, 'validation');
    expect((fields.body['errors'] as { path: string; message: string }[]).map((e) => e.path)).toEqual(['repId', 'name', 'role']);

    const nested = await client.send(day(10), { type: 'DraftContract', contractId: 'k-9', customerId: 'c-1', repId: 'r-7', ...{ lines: [{ productLine: 'hv-cable', quantity: 0, unitPriceMinor: 1 }], deliveryDate: '2026-04-15', paymentTerms: { creditDays: 30 } } });
    expectProblem(nested, 400, 'validation');
    expect((nested.body['errors'] as { path: string }[]).map((e) => e.path)).toEqual(['lines[0].quantity']);

    const array = await raw('[{"type":"HireRep"}]');
    expectProblem(array, 400, 'validation');
    expect(array.body['errors']).toEqual([{ path: '', message: expect.stringContaining('JSON object') }]);
  });

  it('400 unknown-command pointing at GET /commands instead of listing every type', async () => {
    const unknown = await client.send(day(2), { type: 'FireEveryone' });
    expectProblem(unknown, 400, 'unknown-command', 'UNKNOWN_COMMAND');
    expect(unknown.body['detail']).toContain('GET /commands');
    expect(unknown.body['detail']).not.toContain('HireRep');
    const listed = await client.get('/commands');
    expect(listed.status).toBe(200);
    expect(listed.body['commandTypes']).toEqual(host.engine.commandTypes);
    expect(listed.body['commandTypes']).toContain('HireRep');
  });

  it('422 rule-violation with the rule code and what to do (rule 2 of 2: hiring an id twice, R-REP-STATE)', async () => {
    const before = await streamLength('rep-m-1');
    const again = await client.send(day(13), { type: 'HireRep', repId: 'm-1', name: '赵敏', role: 'manager', regions: ['east-china'] });
    expectProblem(again, 422, 'rule-violation', 'R-REP-STATE');
    expect(again.body['detail']).toMatch(/new id/);
    expect(await streamLength('rep-m-1')).toBe(before);
  });

  it('404 not-found for an aggregate with nothing recorded; 400 for an unknown category or a bad id', async () => {
    expectProblem(await client.get('/aggregates/rep/nobody'), 404, 'not-found', 'NOT_FOUND');
    const category = await client.get('/aggregates/deal/1');
    expectProblem(category, 400, 'validation');
    expect(category.body['errors']).toEqual([{ path: 'category', message: 'must be one of rep, customer, opportunity, contract' }]);
    expect((await client.get('/aggregates/rep/has%20space')).body['errors']).toEqual([{ path: 'id', message: expect.any(String) }]);
  });

  it('400 bad-precondition for If-Match forms that cannot name one version', async () => {
    const training = { type: 'RecordTraining', repId: 'r-7', course: 'negotiation', hours: 2, score: 80 };
    const before = await streamLength('rep-r-7');
    for (const [headers, pattern] of [
      [{ 'If-Match': 'W/"0"' }, /weak/],
      [{ 'If-Match': '"0", "1"' }, /several/],
      [{ 'If-Match': '0' }, /not an entity tag/],
      [{ 'If-Match': '"abc"' }, /not an ETag this server issues/],
      [{ 'If-Match': '"0"', 'If-None-Match': '*' }, /not both/],
      [{ 'If-None-Match': '"0"' }, /only If-None-Match: \*/],
    ] as const) {
      const result = await client.send(day(14), training, headers);
      expectProblem(result, 400, 'bad-precondition', 'BAD_PRECONDITION');
      expect(result.body['detail']).toMatch(pattern);
    }
    expect(await streamLength('rep-r-7')).toBe(before);
  });

  it('a 500 is a generic internal problem; the error goes to the log, never to the client', async () => {
    const logged: unknown[] = [];
    const broken = await startTestHost({ log: (_message, error) => logged.push(error) });
    try {
      await broken.store.close(); // every command now fails inside the store
      const result = await commandClient(broken).send(day(2), saleUpToReview[0]!.command);
      expectProblem(result, 500, 'internal', 'INTERNAL');
      expect(result.body['detail']).not.toMatch(/closed|sqlite/i);
      expect(logged).toHaveLength(1);
      expect(String(logged[0])).toMatch(/closed/);
    } finally {
      await broken.dispose();
    }
  });
});

describe('If-Match and If-None-Match on POST /commands', () => {
  const training = (course: string) => ({ type: 'RecordTraining', repId: 'm-1', course, hours: 1, score: 90 });

  it('If-Match with the current version succeeds; a stale one is a 412 and appends nothing', async () => {
    const current = await client.get('/aggregates/rep/m-1');
    const etag = current.headers.get('etag')!;
    const ok = await client.send(day(15), training('pricing'), { 'If-Match': etag });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('etag')).toBe(`"${Number(JSON.parse(etag)) + 1}"`);

    const stale = await client.send(day(15), training('pricing, again'), { 'If-Match': etag });
    expectProblem(stale, 412, 'version-conflict', 'VERSION_CONFLICT');
    expect(stale.body).toMatchObject({ streamId: 'rep-m-1', expectedVersion: Number(JSON.parse(etag)), actualVersion: Number(JSON.parse(etag)) + 1 });
    expect((await client.get('/aggregates/rep/m-1')).headers.get('etag')).toBe(ok.headers.get('etag'));
  });

  it('If-Match: * requires the aggregate to exist; If-None-Match: * requires it not to', async () => {
    expect((await client.send(day(15), training('any version'), { 'If-Match': '*' })).status).toBe(200);
    expectProblem(await client.send(day(15), { type: 'RecordTraining', repId: 'ghost', course: 'x', hours: 1, score: 1 }, { 'If-Match': '*' }), 412, 'version-conflict');

    const before = await streamLength('rep-m-1');
    expectProblem(await client.send(day(15), { type: 'HireRep', repId: 'm-1', name: '赵敏', role: 'manager', regions: ['east-china'] }, { 'If-None-Match': '*' }), 412, 'version-conflict');
    expect(await streamLength('rep-m-1')).toBe(before);
    const created = await client.send(day(15), { type: 'HireRep', repId: 'r-new', name: 'New', role: 'representative', managerId: 'm-1', regions: ['east-china'] }, { 'If-None-Match': '*' });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/aggregates/rep/r-new');
  });

  it('two concurrent commands with the same If-Match: exactly one wins, the other gets 412', async () => {
    const etag = (await client.get('/aggregates/rep/m-1')).headers.get('etag')!;
    const results = await Promise.all([client.send(day(16), training('race a'), { 'If-Match': etag }), client.send(day(16), training('race b'), { 'If-Match': etag })]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 412]);
    expect((await client.get('/aggregates/rep/m-1')).body['version']).toBe(Number(JSON.parse(etag)) + 1);
  });

  it('a re-sent commandId answers 200 duplicate: true with the first events, appending nothing', async () => {
    const command = { ...training('idempotency'), commandId: 'training-once' };
    const first = await client.send(day(17), command);
    const lengthAfterFirst = await streamLength('rep-m-1');
    const second = await client.send(day(17), command);
    expect(first.status).toBe(200);
    expect(first.body['duplicate']).toBe(false);
    expect(second.status).toBe(200);
    expect(second.body['duplicate']).toBe(true);
    expect(second.body['events']).toEqual(first.body['events']);
    expect(second.headers.get('etag')).toBe(first.headers.get('etag'));
    expect(await streamLength('rep-m-1')).toBe(lengthAfterFirst);
    const recorded = (await host.store.readStream('rep-m-1')).filter((r) => r.event.metadata.commandId === 'training-once');
    expect(recorded).toHaveLength(1);
    // A duplicate is recognised before the precondition: a stale If-Match does not turn it into a 412.
    const staleResend = await client.send(day(17), command, { 'If-Match': '"0"' });
    expect(staleResend.status).toBe(200);
    expect(staleResend.body['duplicate']).toBe(true);
    // A re-sent creating command is no creation: 200, no Location.
    const rehire = await client.send(day(2), { ...saleUpToReview[0]!.command, commandId: 'cmd-1' });
    expect(rehire.status).toBe(200);
    expect(rehire.body['duplicate']).toBe(true);
    expect(rehire.headers.get('location')).toBeNull();
  });
});
