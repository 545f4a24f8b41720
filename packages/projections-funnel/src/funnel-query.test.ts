import { ValidationError } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import { queryFunnel, type FunnelQuery } from './funnel-query.js';
import { initialFunnelState } from './funnel-state.js';

const issuesOf = (query: unknown): { path: string; message: string }[] => {
  try {
    queryFunnel(initialFunnelState(), query as FunnelQuery);
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).code).toBe('VALIDATION');
    return [...(error as ValidationError).issues];
  }
  throw new Error('the query was accepted');
};

describe('queryFunnel validation', () => {
  it('names each bad field', () => {
    expect(issuesOf({ by: 'team', period: '2026-13', where: { source: 'fax', cohort: '2026-Q1', rep: '', colour: 'red' }, limit: 3 }).map((i) => i.path)).toEqual([
      'limit',
      'by',
      'period',
      'where.source',
      'where.cohort',
      'where.rep',
      'where.colour',
    ]);
  });

  it('refuses a query that is not an object, and a where that is not one', () => {
    expect(issuesOf(null).map((i) => i.path)).toEqual(['']);
    expect(issuesOf('company').map((i) => i.path)).toEqual(['']);
    expect(issuesOf({ where: ['rep'] }).map((i) => i.path)).toEqual(['where']);
    expect(issuesOf({ period: '2026-W54' })[0]!.message).toMatch(/period key/);
    expect(issuesOf({ where: { region: 7 } })[0]).toEqual({ path: 'where.region', message: 'must be a non-empty string or null' });
  });

  it('accepts every cut, null filters and every period unit, and echoes the query', () => {
    for (const by of ['company', 'rep', 'region', 'source', 'cohort'] as const) {
      for (const period of ['2026', '2026-Q1', '2026-03', '2026-W09']) {
        const result = queryFunnel(initialFunnelState(), { by, period, where: { rep: null, region: null, cohort: null, source: 'direct' } });
        expect(result.by).toBe(by);
        expect(result.period).toBe(period);
        expect(result.rows.length).toBe(by === 'company' ? 1 : 0);
      }
    }
    expect(queryFunnel(initialFunnelState())).toMatchObject({ by: 'company', where: {}, period: null });
    expect(queryFunnel(initialFunnelState(), { where: { rep: undefined } } as unknown as FunnelQuery).where).toEqual({});
  });

  it('gives null, not NaN, for rates with nothing to divide by', () => {
    const row = queryFunnel(initialFunnelState()).rows[0]!;
    expect([row.leadConversion, row.closing.winRate, row.closing.averageSalesCycleDays, row.closing.averageWonValueMinor, row.closing.velocityMinorPerDay]).toEqual([null, null, null, null, null]);
    expect(row.stages.every((s) => s.conversion === null && s.averageDaysInStage === null)).toBe(true);
  });
});
