// The host app at work over real HTTP: `npx tsx examples/host-app/src/demo.ts` from the repository root.
// Starts the server on a free port over a temporary SQLite file, drives one sale with fetch, prints every
// exchange, checks every status it expects (exit code 1 otherwise), then closes and removes the file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { definePolicy } from '@dealbook/core';
import { manualClock } from '@dealbook/eventsourcing';
import { startServer } from './server.js';
import { day, request, saleTerms, type HttpResult } from './test-support.js';

const dir = mkdtempSync(join(tmpdir(), 'dealbook-host-demo-'));
// A clock the demo moves to each command's business time, so the output is the same on every run.
const clock = manualClock('2026-03-01T00:00:00.000Z');
const server = await startServer({ port: 0, dbPath: join(dir, 'demo.db'), clock: clock.now, policy: definePolicy({ regulatedProductLines: ['hv-cable'] }) });
const failures: string[] = [];

/** One line per exchange: what was asked, the status, and a compact body. */
function show(what: string, result: HttpResult, expected: number, extra = ''): void {
  const ok = result.status === expected;
  if (!ok) failures.push(`${what}: expected ${expected}, got ${result.status} ${JSON.stringify(result.body)}`);
  console.log(`${ok ? ' ' : '✗'} ${what.padEnd(58)} ← ${result.status}${extra === '' ? '' : ` ${extra}`}`);
}

/** What a body says, in a few words: a command's stream, version and events; a problem's code and detail; a query's row count; else its JSON. */
function compact(body: Record<string, unknown> | undefined): string {
  if (body === undefined) return '';
  if (typeof body['type'] === 'string' && body['type'].startsWith('https://')) return `${String(body['code'])}: ${String(body['detail']).slice(0, 110)}`;
  if (Array.isArray(body['events'])) {
    const types = (body['events'] as { type: string }[]).map((e) => e.type).join(', ');
    const reactions = (body['reactions'] as { streamId: string }[]).map((r) => ` + ${r.streamId}`).join('');
    return `${String(body['streamId'])} v${String(body['version'])} [${types}]${body['duplicate'] === true ? ' duplicate' : ''}${reactions}`;
  }
  if (Array.isArray(body['rows'])) return `${body['rows'].length} row(s)${typeof body['at'] === 'string' ? ` judged at ${body['at']}` : ''}`;
  const text = JSON.stringify(body);
  return text.length > 110 ? `${text.slice(0, 110)}…` : text;
}

let n = 0;
/** POST /commands at business time `at`, with optional precondition headers; prints and checks the status. */
async function send(at: string, command: Record<string, unknown>, expected: number, headers: Record<string, string> = {}): Promise<HttpResult> {
  clock.set(at);
  const body = { commandId: `demo-${++n}`, actorId: 'ops-desk', occurredAt: at, ...command };
  const result = await request(`${server.url}/commands`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) });
  const pre = Object.entries(headers).map(([k, v]) => ` ${k}: ${v}`).join('');
  show(`POST /commands ${String(command['type'])}${pre}`, result, expected, compact(result.body));
  return result;
}

/** GET a path; prints the status, the ETag if any, and a compact body. */
async function get(path: string, expected: number, headers: Record<string, string> = {}): Promise<HttpResult> {
  const result = await request(`${server.url}${path}`, { headers });
  const etag = result.headers.get('etag');
  show(`GET ${path}${Object.entries(headers).map(([k, v]) => ` ${k}: ${v}`).join('')}`, result, expected, `${etag === null ? '' : `ETag ${etag} `}${compact(result.body)}`);
  return result;
}

try {
  console.log(`dealbook host app on ${server.url} (SQLite in ${dir})\n`);
  await send(day(2), { type: 'HireRep', repId: 'm-1', name: '赵敏', role: 'manager', regions: ['east-china'] }, 201);
  await send(day(2), { type: 'HireRep', repId: 'r-7', name: '王芳', role: 'representative', managerId: 'm-1', regions: ['east-china'] }, 201);
  await send(day(3), { type: 'RegisterCustomer', customerId: 'c-1', customerNumber: 'K-0001', name: '华东电缆有限公司', region: 'east-china' }, 201);
  await send(day(3), { type: 'AssignCustomer', customerId: 'c-1', repId: 'r-7', reason: 'initial' }, 200);
  await send(day(4), { type: 'CaptureLead', opportunityId: 'o-1', source: 'exhibition', customerId: 'c-1', capturedBy: 'r-7' }, 201);
  await send(day(4), { type: 'QualifyLead', opportunityId: 'o-1', score: 85, priority: 'high' }, 200);
  await send(day(5), { type: 'OpenOpportunity', opportunityId: 'o-1', customerId: 'c-1', repId: 'r-7', productLines: ['hv-cable'], estimatedValueMinor: 160_000_00, probability: 0.4, expectedCloseDate: '2026-06-30' }, 200);
  await send(day(9), { type: 'ChangeStage', opportunityId: 'o-1', to: 'quotation' }, 200);
  const drafted = await send(day(10), { type: 'DraftContract', contractId: 'k-1', opportunityId: 'o-1', customerId: 'c-1', repId: 'r-7', ...saleTerms }, 201);
  await send(day(10), { type: 'SubmitContractForReview', contractId: 'k-1' }, 200);
  await send(day(11), { type: 'ApproveContract', contractId: 'k-1', reviewerId: 'legal-1', termsHash: (drafted.body['state'] as { termsHash: string }).termsHash }, 200);

  console.log('\nA rule refuses: HV cable is regulated and the rep is not certified yet (422, RFC 9457 problem):');
  await send(day(12), { type: 'SignContract', contractId: 'k-1', companySignatoryId: 'm-1', customerSignatory: '王经理' }, 422);
  await send(day(12), { type: 'CertifyRep', repId: 'r-7', productLine: 'hv-cable', validUntil: '2027-03-01T00:00:00.000Z' }, 200);
  await send(day(12), { type: 'SignContract', contractId: 'k-1', companySignatoryId: 'm-1', customerSignatory: '王经理' }, 200);

  console.log('\nOptimistic concurrency: the ETag of a GET as If-Match; a stale one is a 412 and records nothing:');
  const contract = await get('/aggregates/contract/k-1', 200);
  const etag = contract.headers.get('etag') ?? '';
  await send(day(20), { type: 'RecordDelivery', contractId: 'k-1', deliveryId: 'd-1', lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100 }] }, 200, { 'If-Match': etag });
  await send(day(21), { type: 'IssueInvoice', contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_00 }, 412, { 'If-Match': etag });
  const fresh = await get('/aggregates/contract/k-1', 200, { 'If-None-Match': etag });
  await get('/aggregates/contract/k-1', 304, { 'If-None-Match': fresh.headers.get('etag') ?? '' });
  await send(day(21), { type: 'IssueInvoice', contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_00 }, 200, { 'If-Match': fresh.headers.get('etag') ?? '' });

  console.log('\nIdempotency: the same commandId again records nothing:');
  const payment = { type: 'RecordPayment', commandId: 'payment-i-1', contractId: 'k-1', invoiceId: 'i-1', amountMinor: 150_000_00 };
  await send(day(28), payment, 200);
  await send(day(28), payment, 200);

  console.log('\nRead models, now and as of the end of March 11 (before the signature was recorded):');
  const asOf = '2026-03-11T23:59:59.999Z';
  const kpiNow = await get('/kpi?period=2026-03&by=rep', 200);
  const kpiThen = await get(`/kpi?period=2026-03&by=rep&asOf=${asOf}`, 200);
  const signed = (r: HttpResult) => (r.body['rows'] as { group: string; signedSalesMinor: number }[]).map((row) => `${row.group} ${row.signedSalesMinor}`).join(', ');
  console.log(`    signed sales by rep (minor units): now ${signed(kpiNow)}; as of ${asOf}: ${signed(kpiThen)}`);
  const funnelNow = await get('/funnel?period=2026-03', 200);
  const funnelThen = await get(`/funnel?period=2026-03&asOf=${asOf}`, 200);
  const won = (r: HttpResult) => (r.body['rows'] as { closing: { won: number } }[])[0]?.closing.won ?? 0;
  console.log(`    opportunities won in March: now ${won(funnelNow)}; as of ${asOf}: ${won(funnelThen)}`);
  if (won(funnelNow) !== 1 || won(funnelThen) !== 0) failures.push(`funnel won: expected 1 now and 0 as of ${asOf}`);
  await get('/receivables?by=customer', 200);
  await get('/kpi?period=2026-13', 400);
  await get('/healthz', 200);
} catch (error) {
  failures.push(`the demo stopped: ${error instanceof Error ? error.message : String(error)}`);
} finally {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

if (failures.length > 0) {
  console.error(`\n${failures.length} unexpected response(s):\n${failures.join('\n')}`);
  process.exitCode = 1;
} else {
  console.log('\nevery response as expected; server closed, temporary database removed.');
}
