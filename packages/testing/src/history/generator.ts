import { definePolicy, leadPriorities, leadSources, opportunityStages, policyTimelineOf, type ContractState, type PolicyOption } from '@dealbook/core';
import { createSalesEngine, type ExecuteResult, type SalesEngine } from '@dealbook/engine';
import { createInMemoryEventStore, DomainError, manualClock, sequentialIds, type EventStore } from '@dealbook/eventsourcing';
import { mulberry32, type Prng } from './prng.js';

/** What to generate: a company of `reps` representatives over `months` calendar months from `start`. */
export interface HistoryOptions {
  readonly seed: number;
  /** Sales representatives at the start (managers, about 1 per 8 reps, and a director come on top). */
  readonly reps: number;
  readonly months: number;
  /** ISO instant the history starts at. Default `2026-01-01T00:00:00.000Z`. */
  readonly start?: string;
  /**
   * One policy, its versions over time, or a timeline, as the engine takes it; the company
   * follows the version in force each day (its time zone, its regulated lines). Default: the
   * default policy with `regulatedProductLines: ['hv-cable']`.
   */
  readonly policy?: PolicyOption;
  /** Default: a new in-memory store stamping `recordedAt` with the generator's clock. */
  readonly store?: EventStore;
  /** Called after every simulated day with the number of events recorded so far. */
  readonly onProgress?: (events: number) => void;
}

export interface HistoryStats {
  /** Commands sent (rejected ones included; the engine's own reactions not). */
  commands: number;
  /** Events recorded (reactions included). */
  events: number;
  /** Commands the engine refused, by rule code. */
  rejected: Record<string, number>;
  /** Events recorded, by event type. */
  byType: Record<string, number>;
}

export interface GeneratedHistory {
  readonly engine: SalesEngine;
  readonly store: EventStore;
  readonly stats: HistoryStats;
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

type Role = 'representative' | 'supervisor' | 'manager' | 'director';
type CertStatus = 'valid' | 'suspended' | 'revoked';

interface Rep {
  readonly id: string;
  role: Role;
  readonly managerId: string | undefined;
  regions: string[];
  status: 'active' | 'departing' | 'departed';
  readonly hiredAt: number;
  readonly certs: Map<string, { status: CertStatus; validUntil: number }>;
  /** The rep's customers by id, in the order they came to the rep. */
  readonly customers: Map<string, Customer>;
  readonly leads: Set<string>;
  readonly opps: Set<string>;
  departAt?: number;
}

interface Customer {
  readonly id: string;
  readonly region: string;
  owner: string | undefined;
  cls: string | undefined;
  lost: boolean;
  readonly registeredAt: number;
  readonly returnVisits: Map<string, { scheduledAt: number; dueAt: number }>;
  /** The earliest `dueAt` of `returnVisits` (Infinity when none): one field to read per customer per visit. */
  earliestReturnDue: number;
  openOpps: number;
  activeContracts: number;
  signedContracts: number;
  creditLimit: number;
  profileVersion: number;
}

interface Line {
  readonly productLine: string;
  readonly spec: string;
  quantity: number;
  unitPriceMinor: number;
}

interface Opp {
  readonly id: string;
  customerId: string | undefined;
  readonly prospect: { name: string; region: string } | undefined;
  readonly capturedBy: string;
  phase: 'lead' | 'open' | 'won' | 'lost' | 'disqualified';
  qualified: boolean;
  owner: string | undefined;
  stage: number;
  lines: string[];
  value: number;
  quotes: number;
  lastQuote: Line[] | undefined;
  contractId: string | undefined;
  followUps: number;
  nextAt: number;
  cancelled: boolean;
}

interface Contract {
  readonly id: string;
  readonly oppId: string | undefined;
  readonly customerId: string;
  readonly repId: string;
  status: string;
  lines: Line[];
  termsHash: string;
  delivered: number[];
  deliveries: number;
  invoicedMinor: number;
  invoiceSeq: number;
  creditDays: number;
  installments: boolean;
  deliveryDate: number;
  nextAt: number;
  rejections: number;
  needsRevision: boolean;
  revisedAfterApproval: boolean;
  delayed: boolean;
  amended: boolean;
  ended: boolean;
}

interface Invoice {
  readonly contract: Contract;
  readonly id: string;
  readonly amount: number;
  paid: number;
  readonly dueAt: number;
  readonly issuedAt: number;
  readonly plan: 'ontime' | 'partial' | 'late' | 'bad';
  escalation: number;
  nextAt: number;
}

interface Complaint {
  readonly customer: Customer;
  readonly id: string;
  stage: 'forwarded' | 'resolved';
  nextAt: number;
}

interface Timed {
  readonly at: number;
  readonly run: () => Promise<void>;
}

const REGIONS = ['east-china', 'north-china', 'south-china', 'central-china', 'southwest', 'northwest', 'northeast'];
const PRODUCT_LINES: readonly { line: string; specs: readonly string[]; price: [number, number] }[] = [
  { line: 'hv-cable', specs: ['YJV22 8.7/15kV 3x240', 'YJLW03 64/110kV 1x630'], price: [800_00, 4_000_00] },
  { line: 'power-cable', specs: ['YJV 3x95', 'YJV 4x185+1x95'], price: [120_00, 900_00] },
  { line: 'control-cable', specs: ['KVV 10x1.5', 'KVVP 24x2.5'], price: [20_00, 150_00] },
  { line: 'fiber-optic', specs: ['GYTA 24B1', 'ADSS 48B1'], price: [5_00, 60_00] },
  { line: 'switchgear', specs: ['KYN28-12', 'XGN15-12'], price: [40_000_00, 180_000_00] },
];
const COMPETITORS = ['Far East Cable', 'Baosheng', 'Hengtong', 'ZTT', 'Prysmian', 'Nexans'];
const LOSS_REASONS = ['price too high', 'lost to competitor on delivery time', 'project postponed', 'budget cut', 'technical requirements not met'];
const COMPLAINT_CATEGORIES = ['delivery', 'quality', 'invoice', 'service'];
const DEPARTMENTS = ['logistics', 'quality', 'finance', 'after-sales'];
const COURSES = ['HV cable installation safety', 'Consultative selling', 'Contract law basics', 'CRM discipline', 'Product knowledge: switchgear'];

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const addMonthsUtc = (ms: number, months: number): number => {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, d.getUTCDate(), d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds());
};
const linesTotal = (lines: readonly Line[]): number => lines.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0);
const toCommandLines = (lines: readonly Line[]) => lines.map((l) => ({ productLine: l.productLine, spec: l.spec, quantity: l.quantity, unitPriceMinor: l.unitPriceMinor }));

/**
 * Generates a whole, realistic and valid company history by driving the real
 * engine: hires, territories, targets, certifications, customers, visits,
 * complaints, leads, opportunities, contracts, deliveries, invoices and
 * payments. Deterministic per seed and options: the same inputs give
 * byte-identical event histories.
 */
export async function generateHistory(options: HistoryOptions): Promise<GeneratedHistory> {
  const startMs = Date.parse(options.start ?? '2026-01-01T00:00:00.000Z');
  if (!Number.isFinite(startMs)) throw new TypeError(`generateHistory: not an ISO instant: ${String(options.start)}`);
  if (!Number.isInteger(options.reps) || options.reps < 1) throw new RangeError('generateHistory: reps must be a whole number ≥ 1');
  if (!Number.isInteger(options.months) || options.months < 1) throw new RangeError('generateHistory: months must be a whole number ≥ 1');
  const endMs = addMonthsUtc(startMs, options.months);
  const policy = options.policy ?? definePolicy({ regulatedProductLines: ['hv-cable'] });
  const timeline = policyTimelineOf(policy);
  // Reps get certified for every line regulated in any version: a careful company prepares for the rules to come.
  const regulated = new Set(timeline.versions.flatMap((v) => v.regulatedProductLines));
  const rng: Prng = mulberry32(options.seed);
  const clock = manualClock(new Date(startMs).toISOString());
  const store = options.store ?? createInMemoryEventStore({ clock: clock.now });
  const engine = createSalesEngine({ store, policy, clock: clock.now, ids: sequentialIds(options.seed) });
  const stats: HistoryStats = { commands: 0, events: 0, rejected: {}, byType: {} };
  // The local date in the time zone of the policy in force (one formatter per zone).
  const dateFormats = new Map<string, Intl.DateTimeFormat>();
  const localDate = (ms: number): string => {
    const date = new Date(ms);
    const { timeZone } = timeline.at(date.toISOString());
    let format = dateFormats.get(timeZone);
    if (format === undefined) dateFormats.set(timeZone, (format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
    return format.format(date);
  };

  // ---- time and sending ----
  let now = startMs;
  let nowIso = new Date(now).toISOString();
  const moveTo = (ms: number) => {
    if (ms <= now) return;
    clock.advance(ms - now);
    now = ms;
    nowIso = clock.now(); // the clock formats each instant once: the store's recordedAt reuses it
  };
  const tick = () => moveTo(now + rng.int(5, 240) * 1000);
  let commandSeq = 0;
  const countEvents = (result: ExecuteResult) => {
    for (const r of result.events) {
      stats.events++;
      stats.byType[r.event.type] = (stats.byType[r.event.type] ?? 0) + 1;
    }
    for (const reaction of result.reactions) countEvents(reaction);
  };
  /** Sends one command at the current business time; undefined when a rule refused it (counted). */
  const send = async (actorId: string, command: Record<string, unknown>): Promise<ExecuteResult | undefined> => {
    tick();
    stats.commands++;
    try {
      const result = await engine.execute({ ...command, commandId: `cmd-${options.seed}-${++commandSeq}`, actorId, occurredAt: nowIso });
      countEvents(result);
      return result;
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      stats.rejected[error.code] = (stats.rejected[error.code] ?? 0) + 1;
      return undefined;
    }
  };

  // ---- the model ----
  const reps = new Map<string, Rep>();
  const customers = new Map<string, Customer>();
  const opps = new Map<string, Opp>();
  /** The opportunities still in the lead phase (kept as phases change, so no scan of every opportunity finds them). */
  const leads = new Set<Opp>();
  let activeOpps: Opp[] = [];
  let activeContracts: Contract[] = [];
  let openInvoices: Invoice[] = [];
  let complaints: Complaint[] = [];
  let timed: Timed[] = [];
  const schedule = (at: number, run: () => Promise<void>) => timed.push({ at, run });
  const counters = { rep: 0, customer: 0, opp: 0, contract: 0, visit: 0, complaint: 0, delivery: 0, quote: 0, issue: 0 };
  const director = 'd-1';
  const managers: string[] = [];

  const sellers = () => [...reps.values()].filter((r) => r.status === 'active' && (r.role === 'representative' || r.role === 'supervisor'));
  const isActive = (id: string | undefined) => id !== undefined && reps.get(id)?.status === 'active';
  const approverFor = (repId: string): string => {
    const managerId = reps.get(repId)?.managerId;
    const manager = managerId === undefined ? undefined : reps.get(managerId);
    return manager !== undefined && manager.status === 'active' && manager.role === 'manager' && manager.id !== repId ? manager.id : director;
  };

  const hire = async (role: Role, managerId: string | undefined, regions: string[]): Promise<Rep | undefined> => {
    const id = role === 'director' ? director : role === 'manager' ? `m-${managers.length + 1}` : `r-${++counters.rep}`;
    const result = await send('hr-1', { type: 'HireRep', repId: id, name: `${role} ${id}`, role, ...(managerId === undefined ? {} : { managerId }), regions });
    if (result === undefined) return undefined;
    const rep: Rep = { id, role, managerId, regions, status: 'active', hiredAt: now, certs: new Map(), customers: new Map(), leads: new Set(), opps: new Set() };
    reps.set(id, rep);
    if (role === 'manager') managers.push(id);
    return rep;
  };

  const certify = async (rep: Rep, productLine: string) => {
    await send('hr-1', { type: 'RecordTraining', repId: rep.id, course: `${productLine} certification course`, hours: rng.int(8, 40), score: rng.int(70, 100) });
    const validUntil = now + 365 * DAY;
    if (await send('hr-1', { type: 'CertifyRep', repId: rep.id, productLine, validUntil: new Date(validUntil).toISOString() })) rep.certs.set(productLine, { status: 'valid', validUntil });
  };
  const certifiedFor = (rep: Rep, productLine: string) => {
    const cert = rep.certs.get(productLine);
    return cert !== undefined && cert.status === 'valid' && cert.validUntil > now + DAY;
  };

  const hireSeller = async (managerId: string, region: string) => {
    const rep = await hire('representative', managerId, [region]);
    if (rep === undefined) return;
    if (rng.chance(0.6)) for (const line of regulated) await certify(rep, line);
    await setTarget(rep, localDate(now).slice(0, 7));
    return rep;
  };

  const setTarget = async (rep: Rep, yearMonth: string) => {
    // Sized to what the generated reps sell (about 5–6 million a month each; a manager's target
    // covers the team), so attainment lands around 100 % rather than ten times that.
    const base = rep.role === 'manager' ? 24_000_000_00 : 4_800_000_00;
    const step = rep.role === 'manager' ? 400_000_00 : 80_000_00;
    await send(approverFor(rep.id), {
      type: 'SetSalesTarget',
      repId: rep.id,
      period: { unit: 'month', start: `${yearMonth}-01` },
      amountMinor: base + rng.int(0, 20) * step,
      ...(rep.role === 'manager' ? {} : { newCustomers: rng.int(1, 4), visits: rng.int(15, 30) }),
    });
  };

  // ---- customers ----
  const registerCustomer = async (owner: Rep, region: string, name?: string): Promise<Customer | undefined> => {
    const n = ++counters.customer;
    const id = `c-${n}`;
    const creditLimit = rng.int(5, 200) * 100_000_00;
    const registered = await send(owner.id, {
      type: 'RegisterCustomer',
      customerId: id,
      customerNumber: `K-${String(n).padStart(5, '0')}`,
      name: name ?? `Customer ${n} Electric Co.`,
      region,
      address: `${rng.int(1, 999)} Industrial Road, ${region}`,
      contacts: [{ name: `Contact ${n}`, title: rng.pick(['purchasing manager', 'chief engineer', 'general manager']), phone: `+86-21-${String(5_000_000 + n).padStart(8, '0')}` }],
      businessType: rng.pick(['utility', 'contractor', 'distributor', 'manufacturer']),
      creditRating: rng.pick(['AAA', 'AA', 'A', 'BBB']),
      creditLimitMinor: creditLimit,
    });
    if (registered === undefined) return undefined;
    const customer: Customer = { id, region, owner: undefined, cls: undefined, lost: false, registeredAt: now, returnVisits: new Map(), earliestReturnDue: Number.POSITIVE_INFINITY, openOpps: 0, activeContracts: 0, signedContracts: 0, creditLimit, profileVersion: 0 };
    customers.set(id, customer);
    if (await send(approverFor(owner.id), { type: 'AssignCustomer', customerId: id, repId: owner.id, reason: 'initial' })) {
      customer.owner = owner.id;
      owner.customers.set(id, customer);
    }
    await classify(customer);
    return customer;
  };

  const classify = async (customer: Customer) => {
    const cls = rng.pick(['A', 'B', 'B', 'C', 'C', 'C', 'D'].filter((c) => c !== customer.cls));
    if (await send(customer.owner ?? 'ops-1', { type: 'ClassifyCustomer', customerId: customer.id, class: cls })) customer.cls = cls;
  };

  const visit = async (rep: Rep, customer: Customer) => {
    let lower = customer.registeredAt + 1;
    let returnVisitId: string | undefined;
    for (const [rvId, rv] of customer.returnVisits) {
      if (rv.dueAt - 4 * DAY <= now) {
        returnVisitId = rvId;
        lower = Math.max(lower, rv.scheduledAt + 1);
        break;
      }
    }
    const visitedAt = Math.max(lower, now - rng.int(30, 30 * 60) * MINUTE);
    const visitId = `v-${++counters.visit}`;
    const ok = await send(rep.id, {
      type: 'RecordVisit',
      customerId: customer.id,
      visitId,
      repId: rep.id,
      channel: rng.chance(0.6) ? 'onsite' : 'phone',
      visitedAt: new Date(visitedAt).toISOString(),
      ...(rng.chance(0.7) ? { feedback: rng.pick(['satisfied with delivery', 'asks for better prices', 'new substation project next quarter', 'no needs right now']) } : {}),
      ...(rng.chance(0.4) ? { needs: rng.pick(['power cable for plant expansion', 'fiber backbone', 'switchgear replacement']) } : {}),
      followUps: rng.chance(0.5) ? [rng.pick(['send catalogue', 'prepare quotation', 'arrange factory visit'])] : [],
      ...(returnVisitId === undefined ? {} : { returnVisitId }),
    });
    if (ok !== undefined && returnVisitId !== undefined) {
      customer.returnVisits.delete(returnVisitId);
      customer.earliestReturnDue = Number.POSITIVE_INFINITY;
      for (const rv of customer.returnVisits.values()) customer.earliestReturnDue = Math.min(customer.earliestReturnDue, rv.dueAt);
    }
    if (ok !== undefined && !customer.lost && rng.chance(0.25)) {
      const rvId = `rv-${++counters.visit}`;
      const dueAt = now + rng.int(5, 20) * DAY;
      if (await send(rep.id, { type: 'ScheduleReturnVisit', customerId: customer.id, visitId: rvId, dueAt: new Date(dueAt).toISOString() })) {
        customer.returnVisits.set(rvId, { scheduledAt: now, dueAt });
        customer.earliestReturnDue = Math.min(customer.earliestReturnDue, dueAt);
      }
    }
  };

  const receiveComplaint = async (customer: Customer) => {
    const id = `cp-${++counters.complaint}`;
    const category = rng.pick(COMPLAINT_CATEGORIES);
    if (!(await send('service-1', { type: 'ReceiveComplaint', customerId: customer.id, complaintId: id, category, description: `Customer complains about ${category}` }))) return;
    // Mostly forwarded within the 2-hour SLA; now and then late (an audit finding, never refused).
    moveTo(now + (rng.chance(0.9) ? rng.int(10, 100) : rng.int(130, 300)) * MINUTE);
    if (await send('service-1', { type: 'ForwardComplaint', customerId: customer.id, complaintId: id, department: rng.pick(DEPARTMENTS) })) {
      complaints.push({ customer, id, stage: 'forwarded', nextAt: now + rng.int(1, 5) * DAY });
    }
  };

  const stepComplaint = async (c: Complaint): Promise<boolean> => {
    if (c.stage === 'forwarded') {
      if (!(await send('service-1', { type: 'ResolveComplaint', customerId: c.customer.id, complaintId: c.id, resolution: 'replacement shipped and root cause fixed' }))) return false;
      c.stage = 'resolved';
      c.nextAt = now + rng.int(0, 3) * DAY + rng.int(1, 8) * HOUR;
      return true;
    }
    await send('service-1', { type: 'CloseComplaint', customerId: c.customer.id, complaintId: c.id, satisfaction: rng.int(2, 5), reply: 'Explained the resolution to the customer by phone' });
    return false;
  };

  // ---- leads and opportunities ----
  const captureLead = async (rep: Rep) => {
    const own: Customer[] = [];
    for (const c of rep.customers.values()) if (!c.lost) own.push(c);
    const id = `o-${++counters.opp}`;
    const useCustomer = own.length > 0 && rng.chance(0.55);
    const customer = useCustomer ? rng.pick(own) : undefined;
    const prospect = customer === undefined ? { name: `Prospect ${counters.opp} Power Ltd.`, region: rep.regions[0] ?? 'east-china' } : undefined;
    const ok = await send(rep.id, {
      type: 'CaptureLead',
      opportunityId: id,
      source: rng.pick(leadSources),
      ...(customer === undefined ? {} : { customerId: customer.id }),
      ...(prospect === undefined ? {} : { prospect: { ...prospect, contact: `Mr. Li ${counters.opp}` } }),
      capturedBy: rep.id,
    });
    if (!ok) return;
    const opp: Opp = {
      id,
      customerId: customer?.id,
      prospect,
      capturedBy: rep.id,
      phase: 'lead',
      qualified: false,
      owner: undefined,
      stage: 0,
      lines: [],
      value: 0,
      quotes: 0,
      lastQuote: undefined,
      contractId: undefined,
      followUps: 0,
      nextAt: now + rng.int(2, 36) * HOUR,
      cancelled: false,
    };
    opps.set(id, opp);
    leads.add(opp);
    activeOpps.push(opp);
  };

  const assignOpp = async (opp: Opp, to: Rep): Promise<boolean> => {
    if (opp.owner === to.id) return true;
    if (!(await send(approverFor(to.id), { type: 'AssignLead', opportunityId: opp.id, repId: to.id }))) return false;
    const previous = opp.owner === undefined ? undefined : reps.get(opp.owner);
    previous?.leads.delete(opp.id);
    previous?.opps.delete(opp.id);
    opp.owner = to.id;
    (opp.phase === 'lead' ? to.leads : to.opps).add(opp.id);
    return true;
  };

  const disqualify = async (opp: Opp, reason: string): Promise<boolean> => {
    if (!(await send(opp.owner ?? opp.capturedBy, { type: 'DisqualifyLead', opportunityId: opp.id, reason }))) return false;
    opp.phase = 'disqualified';
    leads.delete(opp);
    if (opp.owner !== undefined) reps.get(opp.owner)?.leads.delete(opp.id);
    return false;
  };

  /** One step of a lead; false when it leaves the active list. */
  const stepLead = async (opp: Opp): Promise<boolean> => {
    if (opp.owner === undefined || !isActive(opp.owner)) {
      const customer = opp.customerId === undefined ? undefined : customers.get(opp.customerId);
      const candidates = [customer?.owner, opp.capturedBy].filter((id): id is string => isActive(id));
      const target = candidates.length > 0 ? reps.get(candidates[0]!) : undefined;
      const fallback = target ?? (sellers().length > 0 ? rng.pick(sellers()) : undefined);
      if (fallback === undefined || !(await assignOpp(opp, fallback))) return false;
      opp.nextAt = now + rng.int(4, 48) * HOUR;
      return true;
    }
    if (opp.followUps < 2 && rng.chance(0.3)) {
      opp.followUps++;
      await send(opp.owner, { type: 'FollowUpLead', opportunityId: opp.id, note: rng.pick(['called the buyer', 'sent product brochure', 'met at the exhibition booth']) });
      opp.nextAt = now + rng.int(1, 4) * DAY;
      return true;
    }
    if (!opp.qualified) {
      if (rng.chance(0.22)) return disqualify(opp, rng.pick(['no budget', 'not our product range', 'duplicate of an existing lead', 'no decision maker reachable']));
      if (!(await send(opp.owner, { type: 'QualifyLead', opportunityId: opp.id, score: rng.int(50, 100), priority: rng.pick(leadPriorities) }))) return false;
      opp.qualified = true;
      opp.nextAt = now + rng.int(1, 5) * DAY;
      return true;
    }
    const owner = reps.get(opp.owner)!;
    let customer = opp.customerId === undefined ? undefined : customers.get(opp.customerId);
    if (customer === undefined && opp.prospect !== undefined) {
      customer = await registerCustomer(owner, opp.prospect.region, opp.prospect.name);
      if (customer === undefined) return false;
    }
    if (customer === undefined) return false;
    if (customer.lost || !isActive(customer.owner)) return disqualify(opp, 'the customer is no longer served');
    const ownerId = customer.owner!;
    const lines = [rng.pick(PRODUCT_LINES).line];
    if (rng.chance(0.25)) {
      const second = rng.pick(PRODUCT_LINES).line;
      if (second !== lines[0]) lines.push(second);
    }
    const value = rng.int(10, 500) * 10_000_00;
    const ok = await send(ownerId, {
      type: 'OpenOpportunity',
      opportunityId: opp.id,
      customerId: customer.id,
      repId: ownerId,
      productLines: lines,
      estimatedValueMinor: value,
      probability: rng.int(1, 5) / 10,
      expectedCloseDate: isoDate(now + rng.int(30, 120) * DAY),
    });
    if (!ok) return false;
    reps.get(opp.owner)?.leads.delete(opp.id);
    opp.owner = ownerId;
    reps.get(ownerId)?.opps.add(opp.id);
    opp.customerId = customer.id;
    opp.phase = 'open';
    leads.delete(opp);
    opp.stage = 0;
    opp.lines = lines;
    opp.value = value;
    customer.openOpps++;
    opp.nextAt = now + rng.int(2, 7) * DAY;
    return true;
  };

  const closeOpp = (opp: Opp, phase: 'won' | 'lost') => {
    opp.phase = phase;
    leads.delete(opp);
    if (opp.owner !== undefined) reps.get(opp.owner)?.opps.delete(opp.id);
    const customer = opp.customerId === undefined ? undefined : customers.get(opp.customerId);
    if (customer !== undefined) customer.openOpps--;
  };

  const loseOpp = async (opp: Opp, reason: string): Promise<boolean> => {
    if (!(await send(opp.owner ?? 'ops-1', { type: 'LoseOpportunity', opportunityId: opp.id, reason, ...(rng.chance(0.7) ? { competitor: rng.pick(COMPETITORS) } : {}) }))) return false;
    closeOpp(opp, 'lost');
    if (rng.chance(0.15)) {
      opp.nextAt = now + rng.int(10, 40) * DAY;
      return true;
    }
    return false;
  };

  const reopen = async (opp: Opp, reason: string): Promise<boolean> => {
    const customer = customers.get(opp.customerId ?? '');
    if (customer === undefined || customer.lost || !isActive(customer.owner)) return false;
    if (!(await send(customer.owner!, { type: 'ReopenOpportunity', opportunityId: opp.id, reason }))) return false;
    opp.phase = 'open';
    leads.delete(opp);
    opp.contractId = undefined;
    opp.cancelled = false;
    customer.openOpps++;
    if (opp.owner !== customer.owner) await assignOpp(opp, reps.get(customer.owner!)!);
    else reps.get(customer.owner!)?.opps.add(opp.id);
    opp.nextAt = now + rng.int(2, 7) * DAY;
    return true;
  };

  const quoteLines = (opp: Opp): Line[] =>
    opp.lines.map((productLine) => {
      const product = PRODUCT_LINES.find((p) => p.line === productLine)!;
      const unit = rng.int(product.price[0] / 100, product.price[1] / 100) * 100;
      const quantity = Math.max(1, Math.round(opp.value / opp.lines.length / unit));
      return { productLine, spec: rng.pick(product.specs), quantity: Math.min(quantity, 20_000), unitPriceMinor: unit };
    });

  /** One step of an open opportunity; false when it leaves the active list. */
  const stepOpen = async (opp: Opp): Promise<boolean> => {
    const owner = opp.owner!;
    if (opp.contractId !== undefined) {
      opp.nextAt = now + 7 * DAY;
      return true;
    }
    if (opp.cancelled) return loseOpp(opp, 'the customer cancelled the order before signing');
    if (rng.chance(0.06)) return loseOpp(opp, rng.pick(LOSS_REASONS));
    opp.nextAt = now + rng.int(2, 8) * DAY;
    if (rng.chance(0.08)) {
      opp.value = Math.max(1_000_00, Math.round(opp.value * (0.7 + rng.next() * 0.6)));
      await send(owner, { type: 'EvaluateOpportunity', opportunityId: opp.id, estimatedValueMinor: opp.value, probability: rng.int(2, 9) / 10, ...(rng.chance(0.5) ? { expectedCloseDate: isoDate(now + rng.int(20, 90) * DAY) } : {}) });
    }
    if (rng.chance(0.06)) {
      const steps = Array.from({ length: rng.int(1, 3) }, (_, i) => ({ action: rng.pick(['technical clarification meeting', 'site survey', 'send revised drawings', 'price negotiation call']), dueAt: new Date(now + (i + 1) * rng.int(2, 6) * DAY).toISOString(), ownerId: owner }));
      await send(owner, { type: 'PlanFollowUp', opportunityId: opp.id, steps });
    }
    const quotation = opportunityStages.indexOf('quotation');
    if (opp.stage < quotation) {
      if (opp.stage > 0 && rng.chance(0.1)) {
        const to = opp.stage - 1;
        if (await send(owner, { type: 'ChangeStage', opportunityId: opp.id, to: opportunityStages[to], reason: rng.pick(['requirements changed', 'new decision maker', 'scope to be re-analysed']) })) opp.stage = to;
        return true;
      }
      const to = Math.min(quotation, opp.stage + (rng.chance(0.2) ? 2 : 1));
      if (await send(owner, { type: 'ChangeStage', opportunityId: opp.id, to: opportunityStages[to] })) opp.stage = to;
      return true;
    }
    if (opp.quotes === 0 || (opp.stage === quotation + 1 && opp.quotes === 1 && rng.chance(0.5))) {
      const lines = quoteLines(opp);
      if (await send(owner, { type: 'IssueQuote', opportunityId: opp.id, quoteId: `q-${++counters.quote}`, lines: toCommandLines(lines), validUntil: new Date(now + 30 * DAY).toISOString() })) {
        opp.quotes++;
        opp.lastQuote = lines;
      }
      return true;
    }
    if (opp.stage === quotation && rng.chance(0.3)) {
      if (await send(owner, { type: 'ChangeStage', opportunityId: opp.id, to: 'negotiation' })) opp.stage = quotation + 1;
      return true;
    }
    const customer = customers.get(opp.customerId ?? '');
    if (customer === undefined || customer.lost || customer.owner !== owner || !isActive(owner)) return true;
    await draftContract(reps.get(owner)!, customer, opp);
    return true;
  };

  const stepOpp = async (opp: Opp): Promise<boolean> => {
    if (opp.phase === 'lead') return stepLead(opp);
    if (opp.phase === 'open') return stepOpen(opp);
    if (opp.phase === 'lost') return reopen(opp, rng.pick(['the customer came back with a new budget', 'competitor failed to deliver']));
    return false;
  };

  // ---- contracts ----
  const paymentTerms = (c: Contract) => {
    const total = linesTotal(c.lines);
    if (!c.installments) return { creditDays: c.creditDays };
    const first = Math.floor(total * 0.3);
    return { creditDays: c.creditDays, installments: [{ dueOffsetDays: 0, amountMinor: first }, { dueOffsetDays: 60, amountMinor: total - first }] };
  };
  const termsOf = (c: Contract) => ({ lines: toCommandLines(c.lines), deliveryDate: isoDate(c.deliveryDate), paymentTerms: paymentTerms(c) });
  const syncContract = (c: Contract, result: ExecuteResult) => {
    const state = result.state as ContractState;
    c.status = state.status;
    if (state.termsHash !== undefined) c.termsHash = state.termsHash;
  };

  const draftContract = async (rep: Rep, customer: Customer, opp: Opp | undefined) => {
    const lines: Line[] =
      opp?.lastQuote?.map((l) => ({ ...l, unitPriceMinor: Math.max(1, Math.round((l.unitPriceMinor * rng.int(92, 100)) / 100)) })) ??
      (() => {
        const product = rng.pick(PRODUCT_LINES);
        return [{ productLine: product.line, spec: rng.pick(product.specs), quantity: rng.int(10, 400), unitPriceMinor: rng.int(product.price[0] / 100, product.price[1] / 100) * 100 }];
      })();
    const c: Contract = {
      id: `k-${++counters.contract}`,
      oppId: opp?.id,
      customerId: customer.id,
      repId: rep.id,
      status: 'draft',
      lines,
      termsHash: '',
      delivered: lines.map(() => 0),
      deliveries: 0,
      invoicedMinor: 0,
      invoiceSeq: 0,
      creditDays: rng.pick([0, 15, 30, 30, 45, 60, 90]),
      installments: rng.chance(0.1),
      deliveryDate: now + rng.int(20, 60) * DAY,
      nextAt: now + rng.int(0, 2) * DAY + rng.int(1, 6) * HOUR,
      rejections: 0,
      needsRevision: false,
      revisedAfterApproval: false,
      delayed: false,
      amended: false,
      ended: false,
    };
    const result = await send(rep.id, { type: 'DraftContract', contractId: c.id, ...(opp === undefined ? {} : { opportunityId: opp.id }), customerId: customer.id, repId: rep.id, ...termsOf(c) });
    if (result === undefined) return;
    syncContract(c, result);
    if (opp !== undefined) opp.contractId = c.id;
    customer.activeContracts++;
    activeContracts.push(c);
  };

  const contractEnded = (c: Contract) => {
    if (c.ended) return;
    c.ended = true;
    const customer = customers.get(c.customerId);
    if (customer !== undefined) customer.activeContracts--;
  };

  const cancelContract = async (c: Contract, reason: string, redraft = false): Promise<boolean> => {
    const result = await send(approverFor(c.repId), { type: 'TerminateContract', contractId: c.id, reason });
    if (result === undefined) return false;
    syncContract(c, result);
    contractEnded(c);
    const opp = c.oppId === undefined ? undefined : opps.get(c.oppId);
    if (opp !== undefined) {
      opp.contractId = undefined;
      opp.cancelled = !redraft;
      opp.nextAt = now + rng.int(1, 5) * DAY;
    }
    return false;
  };

  const sign = async (c: Contract): Promise<boolean> => {
    const rep = reps.get(c.repId);
    if (rep === undefined || rep.status === 'departed') return cancelContract(c, 'the rep has left');
    for (const line of new Set(c.lines.map((l) => l.productLine))) if (regulated.has(line) && !certifiedFor(rep, line)) await certify(rep, line);
    const result = await send(c.repId, { type: 'SignContract', contractId: c.id, companySignatoryId: approverFor(c.repId), customerSignatory: `Purchasing director of ${c.customerId}` });
    if (result === undefined) return false;
    syncContract(c, result);
    const customer = customers.get(c.customerId);
    if (customer !== undefined) customer.signedContracts++;
    const opp = c.oppId === undefined ? undefined : opps.get(c.oppId);
    if (opp !== undefined && result.reactions.some((r) => r.events.some((e) => e.event.type === 'OpportunityWon'))) closeOpp(opp, 'won');
    c.nextAt = now + rng.int(3, 15) * DAY;
    return true;
  };

  const invoiceDelivered = async (c: Contract) => {
    const total = linesTotal(c.lines);
    const allDelivered = c.lines.every((l, i) => c.delivered[i] === l.quantity);
    const deliveredValue = allDelivered ? total : c.lines.reduce((s, l, i) => s + (c.delivered[i] ?? 0) * l.unitPriceMinor, 0);
    const amount = Math.min(deliveredValue, total) - c.invoicedMinor;
    if (amount < 1) return;
    const invoiceId = `${c.id}-i${++c.invoiceSeq}`;
    const result = await send('finance-1', { type: 'IssueInvoice', contractId: c.id, invoiceId, amountMinor: amount });
    if (result === undefined) return;
    syncContract(c, result);
    c.invoicedMinor += amount;
    const state = (result.state as ContractState).invoices[invoiceId];
    const dueAt = state === undefined ? now + c.creditDays * DAY : Date.parse(state.dueAt);
    const r = rng.next();
    const plan = r < 0.65 ? 'ontime' : r < 0.77 ? 'partial' : r < 0.93 ? 'late' : 'bad';
    const firstAt = plan === 'late' || plan === 'bad' ? dueAt + rng.int(3, 40) * DAY : now + Math.max(HOUR, rng.next() * (dueAt - now - HOUR));
    openInvoices.push({ contract: c, id: invoiceId, amount, paid: 0, dueAt, issuedAt: now, plan, escalation: 0, nextAt: plan === 'bad' ? dueAt + 16 * DAY : firstAt });
  };

  /** One step of a signed contract; false when nothing is left to deliver or invoice. */
  const stepSigned = async (c: Contract): Promise<boolean> => {
    c.nextAt = now + rng.int(3, 12) * DAY;
    const approver = approverFor(c.repId);
    if (c.deliveries > 0 && rng.chance(0.01)) {
      const result = await send(approver, { type: 'TerminateContract', contractId: c.id, reason: 'the customer’s project was cancelled', approvedBy: approver });
      if (result === undefined) return true;
      syncContract(c, result);
      contractEnded(c);
      const opp = c.oppId === undefined ? undefined : opps.get(c.oppId);
      if (opp !== undefined && rng.chance(0.5)) {
        opp.nextAt = now + rng.int(5, 20) * DAY;
        opp.phase = 'lost'; // reopenable: its contract is terminated
        leads.delete(opp);
        activeOpps.push(opp);
      }
      return false;
    }
    const undelivered = c.lines.some((l, i) => (c.delivered[i] ?? 0) < l.quantity);
    if (undelivered && !c.amended && rng.chance(0.03)) {
      const lines = c.lines.map((l, i) => (i === 0 ? { ...l, quantity: l.quantity + Math.max(1, Math.round(l.quantity * rng.int(10, 30) / 100)) } : { ...l }));
      const before = c.lines;
      c.lines = lines;
      const result = await send(approver, { type: 'AmendContract', contractId: c.id, approvedBy: approver, ...termsOf(c) });
      if (result === undefined) c.lines = before;
      else {
        c.amended = true;
        syncContract(c, result);
      }
      return true;
    }
    if (undelivered) {
      if (!c.delayed && rng.chance(0.1)) {
        c.delayed = true;
        c.deliveryDate += rng.int(7, 30) * DAY;
        await send(c.repId, { type: 'DelayDelivery', contractId: c.id, newDate: isoDate(c.deliveryDate), reason: rng.pick(['raw copper shortage', 'factory line maintenance', 'customer site not ready']) });
        return true;
      }
      const partial = c.deliveries < 2 && rng.chance(0.5);
      const lines = c.lines
        .map((l, i) => {
          const left = l.quantity - (c.delivered[i] ?? 0);
          const quantity = partial ? Math.max(1, Math.floor(left * (0.3 + rng.next() * 0.4))) : left;
          return { i, productLine: l.productLine, spec: l.spec, quantity: Math.min(quantity, left) };
        })
        .filter((l) => l.quantity > 0);
      const result = await send('logistics-1', { type: 'RecordDelivery', contractId: c.id, deliveryId: `dl-${++counters.delivery}`, lines: lines.map(({ productLine, spec, quantity }) => ({ productLine, spec, quantity })) });
      if (result === undefined) return true;
      syncContract(c, result);
      c.deliveries++;
      for (const l of lines) c.delivered[l.i] = (c.delivered[l.i] ?? 0) + l.quantity;
      if (rng.chance(0.05)) await send('quality-1', { type: 'ReportQualityIssue', contractId: c.id, issueId: `qi-${++counters.issue}`, description: 'insulation damage found on one drum' });
      await invoiceDelivered(c);
      return true;
    }
    await invoiceDelivered(c);
    return c.invoicedMinor < linesTotal(c.lines);
  };

  /** One step of a contract before or after signing; false when it leaves the active list. */
  const stepContract = async (c: Contract): Promise<boolean> => {
    if (c.status === 'signed') return stepSigned(c);
    if (c.status !== 'draft' && c.status !== 'in_review' && c.status !== 'approved') return false;
    const rep = reps.get(c.repId);
    if (rep === undefined || rep.status === 'departed') return cancelContract(c, 'the rep has left: to be redrafted by the successor', true);
    c.nextAt = now + rng.int(0, 3) * DAY + rng.int(1, 8) * HOUR;
    if (c.status === 'draft') {
      if (c.needsRevision) {
        c.lines = c.lines.map((l, i) => (i === 0 ? { ...l, unitPriceMinor: Math.max(1, Math.round(l.unitPriceMinor * 0.98)) } : l));
        const revised = await send(c.repId, { type: 'ReviseContractTerms', contractId: c.id, ...termsOf(c) });
        if (revised === undefined) return false;
        syncContract(c, revised);
        c.needsRevision = false;
      }
      const result = await send(c.repId, { type: 'SubmitContractForReview', contractId: c.id });
      if (result === undefined) return false;
      syncContract(c, result);
      return true;
    }
    if (c.status === 'in_review') {
      const reviewerId = rng.pick(['legal-1', 'legal-2']);
      if (c.rejections < 2 && rng.chance(0.12)) {
        const result = await send(reviewerId, { type: 'RejectContract', contractId: c.id, reviewerId, reasons: [rng.pick(['liability cap missing', 'price below floor', 'penalty clause unacceptable'])] });
        if (result === undefined) return false;
        syncContract(c, result);
        c.rejections++;
        c.needsRevision = true;
        return true;
      }
      const result = await send(reviewerId, { type: 'ApproveContract', contractId: c.id, reviewerId, termsHash: c.termsHash });
      if (result === undefined) return false;
      syncContract(c, result);
      return true;
    }
    // approved
    if (!c.revisedAfterApproval && rng.chance(0.04)) {
      c.revisedAfterApproval = true;
      c.deliveryDate += 7 * DAY;
      const result = await send(c.repId, { type: 'ReviseContractTerms', contractId: c.id, ...termsOf(c) });
      if (result !== undefined) syncContract(c, result);
      return true;
    }
    if (rng.chance(0.02)) return cancelContract(c, 'the customer withdrew before signing');
    return sign(c);
  };

  // ---- invoices ----
  const stepInvoice = async (inv: Invoice): Promise<boolean> => {
    const open = inv.amount - inv.paid;
    const pay = async (amount: number) => {
      const result = await send('finance-1', { type: 'RecordPayment', contractId: inv.contract.id, invoiceId: inv.id, amountMinor: amount });
      if (result === undefined) return false;
      syncContract(inv.contract, result);
      inv.paid += amount;
      return true;
    };
    const escalate = async () => {
      if (await send('finance-1', { type: 'EscalateInvoice', contractId: inv.contract.id, invoiceId: inv.id, level: inv.escalation + 1 })) inv.escalation++;
    };
    if (inv.plan === 'bad') {
      if (inv.escalation < 2) {
        await escalate();
        inv.nextAt = now + 15 * DAY;
        return true;
      }
      if (inv.paid === 0 && open > 1 && rng.chance(0.5)) await pay(Math.floor(open * 0.3));
      const rest = inv.amount - inv.paid;
      if (rest > 0) {
        const approver = approverFor(inv.contract.repId);
        await send(approver, { type: 'WriteOffBadDebt', contractId: inv.contract.id, invoiceId: inv.id, amountMinor: rest, approvedBy: approver });
      }
      return false;
    }
    if (inv.plan === 'late' && inv.escalation === 0 && now > inv.dueAt + 15 * DAY) await escalate();
    if (inv.plan === 'partial' && inv.paid === 0 && open > 1) {
      if (!(await pay(Math.floor(open * (0.3 + rng.next() * 0.4))))) return false;
      inv.nextAt = Math.max(now + DAY, inv.dueAt - rng.int(-10, 2) * DAY);
      return true;
    }
    await pay(open);
    return false;
  };

  // ---- the rep's working day ----
  const ownCustomers = (rep: Rep): Customer[] => [...rep.customers.values()];
  const hasReturnVisitDue = (c: Customer): boolean => c.earliestReturnDue - 4 * DAY <= now;

  const repDay = async (rep: Rep) => {
    if (rep.status !== 'active') return;
    if (rng.chance(0.3)) await captureLead(rep);
    const own = ownCustomers(rep);
    if (own.length > 0) {
      const visits = rng.int(0, 2);
      for (let i = 0; i < visits; i++) {
        const due = rng.chance(0.5) ? own.find(hasReturnVisitDue) : undefined;
        await visit(rep, due ?? rng.pick(own));
      }
      const live = own.filter((c) => !c.lost);
      if (live.length > 0) {
        if (rng.chance(0.03)) {
          const repeat = live.filter((c) => c.signedContracts > 0 && c.activeContracts === 0);
          if (repeat.length > 0) await draftContract(rep, rng.pick(repeat), undefined);
        }
        if (rng.chance(0.012)) {
          const signed = live.filter((c) => c.signedContracts > 0);
          await receiveComplaint(rng.pick(signed.length > 0 && rng.chance(0.8) ? signed : live));
        }
        if (rng.chance(0.04)) await classify(rng.pick(live));
        if (rng.chance(0.015)) {
          const c = rng.pick(live);
          c.profileVersion++;
          await send(rep.id, { type: 'UpdateCustomerProfile', customerId: c.id, address: `${c.profileVersion * 7 + 1} New Park Avenue, ${c.region}`, contacts: [{ name: `Contact ${c.id}-${c.profileVersion}`, email: `buyer${c.profileVersion}@${c.id}.example.com` }] });
        }
        if (rng.chance(0.015)) {
          const c = rng.pick(live);
          c.creditLimit += rng.int(1, 20) * 50_000_00;
          await send('finance-1', { type: 'ChangeCustomerCredit', customerId: c.id, creditRating: rng.pick(['AAA', 'AA', 'A', 'BBB', 'BB']), creditLimitMinor: c.creditLimit });
        }
        if (rng.chance(0.008)) {
          // The customers with a lead still open, found in one pass over the leads (not one per customer).
          let withLeads: Set<string | undefined> | undefined;
          const hasOpenLead = (id: string) => (withLeads ??= new Set([...leads].map((o) => o.customerId))).has(id);
          const idle = live.filter((c) => c.openOpps === 0 && c.activeContracts === 0 && c.returnVisits.size === 0 && !hasOpenLead(c.id));
          if (idle.length > 0) {
            const c = rng.pick(idle);
            if (await send(rep.id, { type: 'MarkCustomerLost', customerId: c.id, reason: rng.pick(['moved to a competitor', 'business closed', 'no orders for a year']), attributableToRep: rng.chance(0.3) })) c.lost = true;
          }
        }
      }
      if (rng.chance(0.05)) {
        const lost = own.filter((c) => c.lost);
        if (lost.length > 0) {
          const c = rng.pick(lost);
          if (await send(rep.id, { type: 'ReactivateCustomer', customerId: c.id })) c.lost = false;
        }
      }
    }
    // Rarer things in a rep's life.
    const manager = approverFor(rep.id);
    if (rng.chance(0.004)) await send(manager, { type: 'DisciplineRep', repId: rep.id, level: rng.pick(['warning', 'demerit', 'fine']), reason: 'late visit records', ...(rng.chance(0.4) ? { amountMinor: 200_00 } : {}) });
    if (rng.chance(0.004)) {
      const kind = rng.pick(['bonus', 'honor'] as const);
      await send(manager, { type: 'RewardRep', repId: rep.id, kind, reason: 'top sales of the month', ...(kind === 'bonus' ? { amountMinor: rng.int(5, 50) * 100_00 } : {}) });
    }
    if (rng.chance(0.01)) await send('hr-1', { type: 'RecordTraining', repId: rep.id, course: rng.pick(COURSES), hours: rng.int(2, 16), ...(rng.chance(0.7) ? { score: rng.int(60, 100) } : {}) });
    if (rep.role === 'representative' && rng.chance(0.0015)) {
      if (await send(director, { type: 'ChangeRole', repId: rep.id, role: 'supervisor', reason: 'promoted for consistent results' })) rep.role = 'supervisor';
    }
    if (rep.regions.length === 1 && rng.chance(0.0015)) {
      const regions = [rep.regions[0]!, rng.pick(REGIONS.filter((r) => r !== rep.regions[0]))];
      if (await send(manager, { type: 'AssignTerritory', repId: rep.id, regions })) rep.regions = regions;
    }
    for (const [line, cert] of rep.certs) {
      if (cert.status === 'valid' && rng.chance(0.003)) {
        if (await send('hr-1', { type: 'SuspendCertification', repId: rep.id, productLine: line, reason: 'safety audit finding' })) {
          cert.status = 'suspended';
          schedule(now + rng.int(10, 20) * DAY, async () => {
            if (rep.status === 'active' && cert.status === 'suspended') await certify(rep, line);
          });
        }
      } else if (cert.status !== 'revoked' && rng.chance(0.0015)) {
        if (await send('hr-1', { type: 'RevokeCertification', repId: rep.id, productLine: line, reason: 'certificate obtained with falsified hours' })) cert.status = 'revoked';
      }
    }
    if (rng.chance(0.0012)) await depart(rep);
  };

  // ---- departures: request, hand over, hire a successor, mark departed ----
  const depart = async (rep: Rep) => {
    const colleagues = sellers().filter((r) => r.id !== rep.id && r.managerId === rep.managerId);
    if (colleagues.length === 0) return;
    const effectiveAt = now + rng.int(14, 30) * DAY;
    if (!(await send('hr-1', { type: 'RequestDeparture', repId: rep.id, effectiveAt: new Date(effectiveAt).toISOString() }))) return;
    rep.status = 'departing';
    rep.departAt = effectiveAt;
    const successor = colleagues.find((r) => r.regions[0] === rep.regions[0]) ?? rng.pick(colleagues);
    const manager = approverFor(rep.id);
    for (const [id, customer] of [...rep.customers]) {
      if (await send(manager, { type: 'AssignCustomer', customerId: id, repId: successor.id, previousRepId: rep.id, reason: 'handover' })) {
        rep.customers.delete(id);
        successor.customers.set(id, customer);
        customer.owner = successor.id;
      }
    }
    for (const id of [...rep.leads, ...rep.opps]) {
      const opp = opps.get(id);
      if (opp !== undefined) await assignOpp(opp, successor);
    }
    const region = rep.regions[0] ?? 'east-china';
    if (rep.managerId !== undefined) await hireSeller(rep.managerId, region);
    schedule(effectiveAt + rng.int(1, 8) * HOUR, async () => {
      for (const c of activeContracts) if (c.repId === rep.id && (c.status === 'draft' || c.status === 'in_review' || c.status === 'approved')) await cancelContract(c, 'the rep has left: to be redrafted by the successor', true);
      activeContracts = activeContracts.filter((c) => c.status !== 'terminated');
      if (await send('hr-1', { type: 'MarkRepDeparted', repId: rep.id })) rep.status = 'departed';
    });
  };

  // ---- months: targets, reports and their reviews ----
  const startMonth = async (yearMonth: string) => {
    for (const rep of reps.values()) if (rep.status !== 'departed' && rep.role !== 'director') await setTarget(rep, yearMonth);
  };
  const queueReports = (yearMonth: string, monthEnd: number) => {
    for (const rep of reps.values()) {
      if (rep.role === 'director' || rep.status === 'departed' || rep.hiredAt >= monthEnd) continue;
      const period = { unit: 'month', start: `${yearMonth}-01` };
      const submitAt = now + (rng.chance(0.95) ? rng.int(2, 90) * HOUR : rng.int(6, 9) * DAY);
      schedule(submitAt, async () => {
        if (rep.status === 'departed') return;
        const ok = await send(rep.id, { type: 'SubmitSalesReport', repId: rep.id, period, summary: `Monthly report of ${rep.id} for ${yearMonth}: visits, pipeline and receivables.` });
        if (!ok) return;
        schedule(now + rng.int(1, 3) * DAY, async () => {
          const reviewerId = rep.role === 'manager' ? director : approverFor(rep.id);
          await send(reviewerId, { type: 'ReviewSalesReport', repId: rep.id, period, reviewerId, feedback: rng.pick(['Good month, keep the visit cadence.', 'Follow up the overdue invoices.', 'More new customers please.']) });
        });
      });
    }
  };

  // ---- the company at the start ----
  await hire('director', undefined, [...REGIONS]);
  const managerCount = Math.max(1, Math.round(options.reps / 8));
  for (let m = 0; m < managerCount; m++) await hire('manager', director, [REGIONS[m % REGIONS.length]!]);
  for (let i = 0; i < options.reps; i++) {
    const managerId = managers[i % managers.length]!;
    await hireSeller(managerId, reps.get(managerId)!.regions[0]!);
  }
  let month = localDate(now).slice(0, 7);
  for (const id of managers) await setTarget(reps.get(id)!, month);
  for (const rep of sellers()) {
    const n = rng.int(3, 6);
    for (let i = 0; i < n; i++) await registerCustomer(rep, rep.regions[0]!);
  }

  // ---- day by day ----
  for (let dayStart = startMs; dayStart < endMs; dayStart += DAY) {
    moveTo(dayStart + HOUR);
    const today = localDate(now);
    if (today.slice(0, 7) !== month) {
      const previous = month;
      month = today.slice(0, 7);
      await startMonth(month);
      queueReports(previous, now);
    }
    const weekday = new Date(now).getUTCDay();
    if (weekday !== 0 && weekday !== 6) {
      for (const rep of sellers()) await repDay(rep);
    }
    // Everything due today, in a fixed order.
    const due = timed.filter((t) => t.at <= now + 8 * HOUR).sort((a, b) => a.at - b.at);
    timed = timed.filter((t) => t.at > now + 8 * HOUR);
    for (const t of due) {
      moveTo(t.at);
      await t.run();
    }
    const nextOpps: Opp[] = [];
    for (const opp of activeOpps) if (opp.nextAt > now || (await stepOpp(opp))) nextOpps.push(opp);
    activeOpps = nextOpps;
    const nextContracts: Contract[] = [];
    for (const c of activeContracts) {
      if (c.nextAt > now || (await stepContract(c))) nextContracts.push(c);
      else contractEnded(c);
    }
    activeContracts = nextContracts;
    const nextInvoices: Invoice[] = [];
    for (const inv of openInvoices) if (inv.nextAt > now || (await stepInvoice(inv))) nextInvoices.push(inv);
    openInvoices = nextInvoices;
    const nextComplaints: Complaint[] = [];
    for (const c of complaints) if (c.nextAt > now || (await stepComplaint(c))) nextComplaints.push(c);
    complaints = nextComplaints;
    options.onProgress?.(stats.events);
  }
  return { engine, store, stats };
}
