import { isoTimestampSchema } from '@dealbook/eventsourcing';
import { z } from 'zod';
import type { KpiComponent, RepRole } from './domain-terms.js';

/*
 * The company policy: every number of DOMAIN.md that a company tunes, with
 * its default. Objects are strict (an unknown key is an error, so a typo is
 * never silently ignored) and parsed policies are frozen all the way down.
 *
 * Where the defaults come from: the hours and days are DOMAIN.md's
 * ("Policies"). The seeds name the KPI components [003 销售总监的工作计划
 * 第六, 003 岗位工作说明书——销售主管 四], the pay formula "绩效工资 =
 * 绩效工资基数 × 当月绩效得分 / 100" and commission rates that differ by
 * business source [002 销售支持人员管理暂行办法], but the tables that held
 * their numbers did not survive in the seed text. The KPI
 * weights, commission rates and pay bases below are therefore dealbook's own
 * choices, explained beside each; companies are expected to set their own.
 */

/** Tolerance on the sum of a role's KPI weights. */
export const KPI_WEIGHT_SUM_TOLERANCE = 1e-9;

/** `effectiveFrom` of a policy that does not say: the Unix epoch, so it is in force for any instant. */
export const DEFAULT_EFFECTIVE_FROM = '1970-01-01T00:00:00.000Z';

/**
 * True for a time-zone name that `Intl.DateTimeFormat` knows (IANA names like
 * `Asia/Shanghai`, `Europe/Berlin`, `UTC`). UTC offsets such as `+08:00` are
 * refused even on runtimes whose `Intl` accepts them: an offset has no
 * daylight-saving rules, and a policy must mean the same on every runtime.
 */
export function isTimeZone(value: string): boolean {
  if (value === '' || value.startsWith('+') || value.startsWith('-')) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const hours = (fallback: number) => z.number().positive('must be a positive number of hours').default(fallback);
const days = (fallback: number) =>
  z.number().int('must be a whole number of days').positive('must be at least 1 day').default(fallback);
const weight = (fallback: number) => z.number().min(0, 'must be ≥ 0').default(fallback);
const basisPoints = (fallback: number) =>
  z
    .number()
    .int('must be a whole number of basis points (1% = 100 bp)')
    .min(0, 'must be ≥ 0')
    .max(10_000, 'must be at most 10000 bp (100%)')
    .default(fallback);
const minorUnits = (fallback: number) =>
  z.number().int('must be a whole number of minor units (a safe integer)').min(0, 'must be ≥ 0').default(fallback);

/** The weights of one role; they must sum to 1 (± {@link KPI_WEIGHT_SUM_TOLERANCE}), and the issue names the role. */
const roleWeights = (role: RepRole, fallback: Readonly<Record<KpiComponent, number>>) =>
  z
    .strictObject({
      /** Weight of sales attainment: signed sales / sales target (销售指标的完成). */
      salesAttainment: weight(fallback.salesAttainment),
      /** Weight of new customers / new-customer target (开发新客户数量). */
      newCustomers: weight(fallback.newCustomers),
      /** Weight of visits / visit target (拜访客户的数量). */
      visits: weight(fallback.visits),
      /** Weight of complaint SLA compliance: complaints forwarded in time / complaints (客户反馈 2 小时内传递). */
      complaintSla: weight(fallback.complaintSla),
      /** Weight of report completion: monthly reports submitted on time / months due (工作计划、汇报完成率). */
      reportCompletion: weight(fallback.reportCompletion),
    })
    .superRefine((w, ctx) => {
      const sum = w.salesAttainment + w.newCustomers + w.visits + w.complaintSla + w.reportCompletion;
      if (Math.abs(sum - 1) > KPI_WEIGHT_SUM_TOLERANCE) {
        ctx.addIssue({
          code: 'custom',
          message: `the KPI weights of role "${role}" sum to ${Number(sum.toPrecision(12))}; they must sum to 1 (± ${KPI_WEIGHT_SUM_TOLERANCE})`,
          input: w,
        });
      }
    })
    .readonly()
    .prefault({});

export const policySchema = z
  .strictObject({
    /**
     * The instant this version of the policy takes effect (ISO-8601 UTC with
     * milliseconds). An event is judged by the version in force when it
     * occurred (see `createPolicyTimeline`). Default: the Unix epoch.
     */
    effectiveFrom: isoTimestampSchema.default(DEFAULT_EFFECTIVE_FROM),

    /** R-COMPLAINT-SLA: a complaint must be forwarded within this many hours of receipt. Default 2 h (DOMAIN.md; "客户反馈在 2 小时内传递到品质部" [003 岗位工作说明书——销售主管 四 (三)]). */
    complaintForwardSlaHours: hours(2),

    /** R-VISIT-TIMELY: a visit must be recorded within this many hours of occurring. Default 48 h (DOMAIN.md). */
    visitRecordingDelayHours: hours(48),

    /** R-REP-REPORT: the monthly sales report is due this many days after the month ends (company time zone). Default 5 (DOMAIN.md). */
    monthlyReportDueDays: days(5),

    /** R-CUST-FOLLOWUP: the longest a customer of each class may go without a visit, in days (DOMAIN.md). */
    followUpIntervalDays: z
      .strictObject({
        /** Class A (most important). Default 14 days. */
        A: days(14),
        /** Class B. Default 30 days. */
        B: days(30),
        /** Class C. Default 60 days. */
        C: days(60),
        /** Class D. Default 120 days. */
        D: days(120),
      })
      .readonly()
      .prefault({}),

    /** R-AR-ESCALATE: an invoice overdue by this many days must be escalated. Default 15 (DOMAIN.md; 超账期货款…升级处理 [003 岗位工作说明书——销售主管 三 (五) 3]). */
    overdueEscalationDays: days(15),

    /**
     * The company time zone: periods (year, quarter, month, ISO week) and "N
     * days after month end" are computed in it. An IANA name that
     * `Intl.DateTimeFormat` knows; UTC offsets are refused. Default `Asia/Shanghai` (DOMAIN.md).
     */
    timeZone: z
      .string()
      .refine(isTimeZone, 'must be an IANA time-zone name that Intl.DateTimeFormat knows, like Asia/Shanghai (UTC offsets are not accepted)')
      .default('Asia/Shanghai'),

    /**
     * The currency of every amount (amounts are integer minor units of it): an
     * ISO 4217 code, three uppercase letters. Checked by form only, so a policy
     * means the same on every runtime (note that the code of the yuan is CNY,
     * not RMB). Default `CNY` (DOMAIN.md).
     */
    currency: z
      .string()
      .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 currency code: three uppercase letters, like CNY')
      .default('CNY'),

    /**
     * R-REP-CERT: product lines that only a rep with a valid, unsuspended
     * certification for that line may sign (上岗资格; the seeds' example is a
     * bank's corporate wealth-management products [002 银行公司理财销售人员上岗资格管理办法
     * 第四条]). Values are the `productLine` identifiers of contract lines, so
     * they are the company's own. Default: none, since no product-line
     * identifier is common to all companies.
     */
    regulatedProductLines: z
      .array(z.string().min(1, 'must not be empty'))
      .superRefine((lines, ctx) => {
        const seen = new Set<string>();
        lines.forEach((line, index) => {
          if (seen.has(line)) ctx.addIssue({ code: 'custom', path: [index], message: `"${line}" is listed twice`, input: line });
          seen.add(line);
        });
      })
      .readonly()
      .prefault([]),

    /**
     * Weights of the performance-score components, per role; each weight ≥ 0,
     * and a role's weights sum to 1. The seeds list the components [003 销售总监的工作计划
     * 第六, 003 岗位工作说明书——销售主管 四] without weights; the defaults are dealbook's: sales
     * attainment weighs most and more so up the hierarchy, new customers and
     * visits weigh most for representatives (who do the prospecting and the
     * visiting [003 销售总监岗位职责 5 A–D]), complaint SLA most for supervisors (who pass
     * customer feedback on [003 岗位工作说明书——销售主管 三 (三)]), report completion 5–10%
     * everywhere. A director's own visits do not count (weight 0).
     */
    kpiWeights: z
      .strictObject({
        /** Representative (销售代表). Default 0.50 / 0.20 / 0.15 / 0.10 / 0.05. */
        representative: roleWeights('representative', {
          salesAttainment: 0.5,
          newCustomers: 0.2,
          visits: 0.15,
          complaintSla: 0.1,
          reportCompletion: 0.05,
        }),
        /** Supervisor (销售主管). Default 0.50 / 0.15 / 0.10 / 0.15 / 0.10. */
        supervisor: roleWeights('supervisor', {
          salesAttainment: 0.5,
          newCustomers: 0.15,
          visits: 0.1,
          complaintSla: 0.15,
          reportCompletion: 0.1,
        }),
        /** Manager (销售经理). Default 0.60 / 0.15 / 0.05 / 0.10 / 0.10. */
        manager: roleWeights('manager', {
          salesAttainment: 0.6,
          newCustomers: 0.15,
          visits: 0.05,
          complaintSla: 0.1,
          reportCompletion: 0.1,
        }),
        /** Director (销售总监). Default 0.70 / 0.15 / 0 / 0.10 / 0.05. */
        director: roleWeights('director', {
          salesAttainment: 0.7,
          newCustomers: 0.15,
          visits: 0,
          complaintSla: 0.1,
          reportCompletion: 0.05,
        }),
      })
      .readonly()
      .prefault({}),

    /**
     * The most one score component can contribute, in percent of its target:
     * score = Σ wᵢ × min(scoreCap, 100 × aᵢ). At least 100 (a cap below 100
     * would keep a rep who meets every target from scoring 100). Default 150 (DOMAIN.md).
     */
    scoreCap: z.number().min(100, 'must be at least 100 (percent)').default(150),

    /**
     * Commission rate per business source, in integer basis points of the
     * collected amount (1% = 100 bp, at most 10000). The seed says the rates
     * differ by business source [002 销售支持人员管理暂行办法 3、提成] but its
     * table is lost; the defaults are dealbook's: new customers pay most, and
     * partner-sourced business least (the partner takes its own share).
     */
    commissionRateBp: z
      .strictObject({
        /** The customer's first contract. Default 300 bp (3%). */
        new_customer: basisPoints(300),
        /** Further contracts of an existing customer. Default 150 bp (1.5%). */
        existing_customer: basisPoints(150),
        /** The lead came from a partner. Default 100 bp (1%). */
        partner: basisPoints(100),
      })
      .readonly()
      .prefault({}),

    /**
     * Monthly performance-pay base per role, in integer minor units of
     * `currency` (fen for CNY): pay = base × score / 100 ("绩效工资 = 绩效工资基数 ×
     * 当月绩效得分 / 100" [002 销售支持人员管理暂行办法 2]). The seed's amounts
     * are lost; the defaults are dealbook's round figures.
     */
    performancePayBaseMinor: z
      .strictObject({
        /** Representative. Default 300000 (¥3,000.00). */
        representative: minorUnits(300_000),
        /** Supervisor. Default 500000 (¥5,000.00). */
        supervisor: minorUnits(500_000),
        /** Manager. Default 800000 (¥8,000.00). */
        manager: minorUnits(800_000),
        /** Director. Default 1200000 (¥12,000.00). */
        director: minorUnits(1_200_000),
      })
      .readonly()
      .prefault({}),
  })
  .readonly();

/** A validated company policy, frozen all the way down. */
export type Policy = z.output<typeof policySchema>;

/**
 * What `definePolicy` takes: any part of a policy, at any depth; what is left
 * out keeps its default.
 */
export type PolicyInput = z.input<typeof policySchema>;

/** The policy with every default (effective from the Unix epoch). */
export const defaultPolicy: Policy = policySchema.parse({});
