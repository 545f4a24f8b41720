import { UnknownCommandError } from '@dealbook/engine';
import { DomainError, ValidationError, VersionConflictError } from '@dealbook/eventsourcing';
import { describe, expect, it } from 'vitest';
import { BadPreconditionError } from './preconditions.js';
import { problem, problemFromError, problemKinds, problemResponse, type ProblemDocument } from './problems.js';

const context = (preconditionGiven = false) => {
  const logged: [string, unknown][] = [];
  return { logged, context: { instance: '/commands', preconditionGiven, log: (message: string, error: unknown) => logged.push([message, error]) } };
};

describe('problemFromError', () => {
  it('maps each kind of error to its status, type, code and members', () => {
    const { context: c, logged } = context();
    const cases: [unknown, number, string, string][] = [
      [new DomainError('R-CUST-NUMBER', 'K-1 is taken: choose another number.', { holder: 'c-2' }), 422, 'rule-violation', 'R-CUST-NUMBER'],
      [new ValidationError('Command HireRep', [{ path: 'repId', message: 'bad' }, { path: 'role', message: 'worse' }]), 400, 'validation', 'VALIDATION'],
      [new UnknownCommandError('Nope', ['A', 'B']), 400, 'unknown-command', 'UNKNOWN_COMMAND'],
      [new VersionConflictError('rep-1', 3, 4), 409, 'version-conflict', 'VERSION_CONFLICT'],
      [new BadPreconditionError('If-Match', 'no'), 400, 'bad-precondition', 'BAD_PRECONDITION'],
      [new Error('secret connection string'), 500, 'internal', 'INTERNAL'],
    ];
    for (const [error, status, kind, code] of cases) {
      const p = problemFromError(error, c);
      expect(p).toMatchObject({ status, type: `https://dealbook.dev/problems/${kind}`, code, instance: '/commands', title: problemKinds[kind as keyof typeof problemKinds].title });
    }
    expect(problemFromError(cases[0]![0], c)).toMatchObject({ detail: 'K-1 is taken: choose another number.', details: { holder: 'c-2' } });
    expect(problemFromError(cases[1]![0], c).errors).toEqual([{ path: 'repId', message: 'bad' }, { path: 'role', message: 'worse' }]);
    expect(problemFromError(cases[3]![0], c)).toMatchObject({ streamId: 'rep-1', expectedVersion: 3, actualVersion: 4 });
    expect(problemFromError(cases[3]![0], context(true).context).status).toBe(412);
    // Only the 500 was logged, and its message stays out of the document.
    expect(logged.map(([, e]) => e)).toEqual([cases[5]![0]]);
    expect(JSON.stringify(problemFromError(cases[5]![0], c))).not.toContain('secret');
  });

  it('a rule violation without details has no details member', () => {
    expect(problemFromError(new DomainError('R-X', 'no'), context().context)).not.toHaveProperty('details');
  });
});

describe('problem and problemResponse', () => {
  it('extension members never override the standard ones', () => {
    const p = problem('not-found', { instance: '/x', detail: 'gone', extensions: { status: 200, type: 'about:blank', code: 'X', hint: 'h' } });
    expect(p).toEqual({ type: 'https://dealbook.dev/problems/not-found', title: 'Not found', status: 404, detail: 'gone', instance: '/x', code: 'NOT_FOUND', hint: 'h' });
  });

  it('the response is application/problem+json with the document’s status and extra headers', async () => {
    const response = problemResponse(problem('method-not-allowed', { instance: '/commands', detail: 'no' }), { Allow: 'GET, POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(((await response.json()) as ProblemDocument).code).toBe('METHOD_NOT_ALLOWED');
  });
});
