import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { streamCategory } from './envelope.js';
import { streamEntityId } from './stream-entity-id.js';

describe('streamEntityId', () => {
  it('is what follows the category, dashes and all', () => {
    expect(streamEntityId('customer-42')).toBe('42');
    expect(streamEntityId('opportunity-o-1')).toBe('o-1');
    expect(streamEntityId('contract-')).toBe('');
    expect(streamEntityId('ledger')).toBe('ledger');
  });

  it('category + "-" + entity id gives the stream id back (property)', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 1 }).filter((c) => !c.includes('-')), fc.string(), (category, id) => {
        const streamId = `${category}-${id}`;
        expect(streamCategory(streamId)).toBe(category);
        expect(streamEntityId(streamId)).toBe(id);
      }),
    );
  });
});
