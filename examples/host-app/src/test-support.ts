// Shared by the tests and the demo: a server on loopback over a temporary SQLite file, and a small HTTP client.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { manualClock, type ManualClock } from '@dealbook/eventsourcing';
import type { HostLog } from './app.js';
import { startServer, type RunningServer } from './server.js';

/** A running host app over a SQLite file in its own temporary directory, with a clock the caller moves. */
export interface TestHost extends RunningServer {
  readonly clock: ManualClock;
  readonly dbPath: string;
  /** Closes the server and the store, and removes the temporary directory. */
  dispose(): Promise<void>;
}

/** Starts a host app on `127.0.0.1:0` over `<dir>/host-app.db` (a new temporary directory unless given). */
export async function startTestHost(options: { readonly dir?: string; readonly log?: HostLog; readonly clock?: ManualClock } = {}): Promise<TestHost> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), 'dealbook-host-app-'));
  const dbPath = join(dir, 'host-app.db');
  const clock = options.clock ?? manualClock('2026-03-01T00:00:00.000Z');
  const server = await startServer({ port: 0, hostname: '127.0.0.1', dbPath, clock: clock.now, ...(options.log === undefined ? {} : { log: options.log }) });
  return {
    ...server,
    clock,
    dbPath,
    async dispose() {
      await server.close();
      if (options.dir === undefined) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A response, read whole: status, headers and the JSON body (`undefined` when there is none). */
export interface HttpResult<Body = Record<string, unknown>> {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Body;
}

/** Sends a request and reads its JSON body (if any). */
export async function request<Body = Record<string, unknown>>(url: string, init: RequestInit = {}): Promise<HttpResult<Body>> {
  const response = await fetch(url, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? undefined : JSON.parse(text)) as Body };
}

/** `2026-03-<d>T02:00:00.000Z` (10:00 in Shanghai), or another month/hour. */
export const day = (d: number, month = 3, hour = 2): string => new Date(Date.UTC(2026, month - 1, d, hour)).toISOString();

/** A client that posts commands as of a business time, moving the server's clock there first (as the quickstart does). */
export interface CommandClient {
  /** POST /commands with `{ commandId: <next>, actorId, occurredAt: at, ...command }` (a given commandId wins). */
  send(at: string, command: Record<string, unknown>, headers?: Readonly<Record<string, string>>): Promise<HttpResult>;
  get(path: string, headers?: Readonly<Record<string, string>>): Promise<HttpResult>;
}

/** A {@link CommandClient} for a host; `prefix` keeps command ids of several clients apart. */
export function commandClient(host: { readonly url: string; readonly clock: ManualClock }, prefix = 'cmd'): CommandClient {
  let n = 0;
  return {
    async send(at, command, headers = {}) {
      host.clock.set(at);
      const body = JSON.stringify({ commandId: `${prefix}-${++n}`, actorId: 'ops-desk', occurredAt: at, ...command });
      return request(`${host.url}/commands`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });
    },
    get: (path, headers = {}) => request(`${host.url}${path}`, { headers }),
  };
}

/** The terms of the sale's contract: 100 drums of HV cable at ¥1,500.00, total ¥150,000.00. */
export const saleTerms = { lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100, unitPriceMinor: 1_500_00 }], deliveryDate: '2026-04-15', paymentTerms: { creditDays: 30 } };
/** The sale's contract total in minor units (¥150,000.00). */
export const SALE_TOTAL_MINOR = 150_000_00;

/** One step of the sale: when (business time) and what (the command without its envelope). */
export interface SaleStep {
  readonly at: string;
  readonly command: Record<string, unknown>;
}

/**
 * The quickstart's sale in March 2026, up to the signature (a manager and a
 * rep, a customer, a lead qualified and opened, a contract drafted and
 * submitted). Approval and signing need the contract's `termsHash`, so the
 * caller sends them; after-sale steps are in {@link afterSale}.
 */
export const saleUpToReview: readonly SaleStep[] = [
  { at: day(2), command: { type: 'HireRep', repId: 'm-1', name: '赵敏', role: 'manager', regions: ['east-china'] } },
  { at: day(2), command: { type: 'HireRep', repId: 'r-7', name: '王芳', role: 'representative', managerId: 'm-1', regions: ['east-china'] } },
  { at: day(3), command: { type: 'RegisterCustomer', customerId: 'c-1', customerNumber: 'K-0001', name: '华东电缆有限公司', region: 'east-china' } },
  { at: day(3), command: { type: 'AssignCustomer', customerId: 'c-1', repId: 'r-7', reason: 'initial' } },
  { at: day(4), command: { type: 'CaptureLead', opportunityId: 'o-1', source: 'exhibition', customerId: 'c-1', capturedBy: 'r-7' } },
  { at: day(4), command: { type: 'QualifyLead', opportunityId: 'o-1', score: 85, priority: 'high' } },
  {
    at: day(5),
    command: { type: 'OpenOpportunity', opportunityId: 'o-1', customerId: 'c-1', repId: 'r-7', productLines: ['hv-cable'], estimatedValueMinor: 160_000_00, probability: 0.4, expectedCloseDate: '2026-06-30' },
  },
  { at: day(9), command: { type: 'ChangeStage', opportunityId: 'o-1', to: 'quotation' } },
  { at: day(10), command: { type: 'DraftContract', contractId: 'k-1', opportunityId: 'o-1', customerId: 'c-1', repId: 'r-7', ...saleTerms } },
  { at: day(10), command: { type: 'SubmitContractForReview', contractId: 'k-1' } },
];

/** Approval (with the contract's `termsHash`) and signature, on day 11 and 12. */
export const approvalAndSignature = (termsHash: string): readonly SaleStep[] => [
  { at: day(11), command: { type: 'ApproveContract', contractId: 'k-1', reviewerId: 'legal-1', termsHash } },
  { at: day(12), command: { type: 'SignContract', contractId: 'k-1', companySignatoryId: 'm-1', customerSignatory: '王经理' } },
];

/** Delivery, invoice and payment after the signature (days 20, 21, 28). */
export const afterSale: readonly SaleStep[] = [
  { at: day(20), command: { type: 'RecordDelivery', contractId: 'k-1', deliveryId: 'd-1', lines: [{ productLine: 'hv-cable', spec: 'YJV 3x95', quantity: 100 }] } },
  { at: day(21), command: { type: 'IssueInvoice', contractId: 'k-1', invoiceId: 'i-1', amountMinor: SALE_TOTAL_MINOR } },
  { at: day(28), command: { type: 'RecordPayment', contractId: 'k-1', invoiceId: 'i-1', amountMinor: SALE_TOTAL_MINOR } },
];

/** Sends steps in order and fails unless each is accepted (200 or 201); returns the last response. */
export async function sendAll(client: CommandClient, steps: readonly SaleStep[]): Promise<HttpResult> {
  let last: HttpResult | undefined;
  for (const step of steps) {
    last = await client.send(step.at, step.command);
    if (last.status !== 200 && last.status !== 201) throw new Error(`${String(step.command['type'])} at ${step.at} → ${last.status}: ${JSON.stringify(last.body)}`);
  }
  if (last === undefined) throw new Error('no steps');
  return last;
}

/** The whole sale through HTTP: every step accepted; returns the contract's terms hash. */
export async function runSale(client: CommandClient): Promise<string> {
  const submitted = await sendAll(client, saleUpToReview);
  const termsHash = (submitted.body['state'] as { termsHash: string }).termsHash;
  await sendAll(client, approvalAndSignature(termsHash));
  await sendAll(client, afterSale);
  return termsHash;
}
