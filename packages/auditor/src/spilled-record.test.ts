import { afterEach, describe, expect, it } from 'vitest';
import { openScratch, type Scratch } from './scratch.js';
import { createSpilledRecord } from './spilled-record.js';
import { createSpillingMap } from './spilling-map.js';

let scratch: Scratch | undefined;
afterEach(() => scratch?.close());

describe('createSpilledRecord', () => {
  it('reads, writes, checks, lists and deletes entries as a plain record does, also "__proto__" and "constructor"', () => {
    scratch = openScratch();
    const record = createSpilledRecord<{ n: number }>(createSpillingMap(scratch.table('r'), 1, { mutable: true }));
    record.a = { n: 1 };
    const ctor: string = 'constructor';
    record[ctor] = { n: 2 };
    Object.defineProperty(record, '__proto__', { value: { n: 3 }, writable: true, enumerable: true, configurable: true });
    record.b = { n: 4 }; // pushes the others out to the file
    record.a.n++;
    expect([record.a?.n, record[ctor]?.n, record.__proto__?.n, record.b?.n]).toEqual([2, 2, 3, 4]);
    expect(['a' in record, 'missing' in record, Object.prototype.hasOwnProperty.call(record, 'constructor'), Object.prototype.hasOwnProperty.call(record, 'toString')]).toEqual([true, false, true, false]);
    expect(Object.keys(record).sort()).toEqual(['__proto__', 'a', 'b', 'constructor']);
    delete record.a;
    expect([record.a, 'a' in record]).toEqual([undefined, false]);
    expect(Object.entries(record).sort(([a], [b]) => a.localeCompare(b))).toEqual([
      ['__proto__', { n: 3 }],
      ['b', { n: 4 }],
      ['constructor', { n: 2 }],
    ]);
  });
});
