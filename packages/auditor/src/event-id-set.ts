/**
 * The event ids an audit has seen, kept compactly: the uniqueness check must
 * remember every id of a history, and a string in a `Set` costs about 100
 * bytes. An id in canonical UUID form (lowercase hex, dashes at 8, 13, 18, 23
 * — what dealbook stores write) is kept as four 32-bit words in an
 * open-addressing table, about 30 bytes each; any other id in an ordinary
 * `Set`. It answers exactly as a `Set<string>` of the ids would.
 */
export interface EventIdSet {
  /** Adds `id`; false when it was there already. */
  addIfNew(id: string): boolean;
  readonly size: number;
}

const HEX = new Int8Array(128).fill(-1);
for (let c = 0; c < 10; c++) HEX[48 + c] = c;
for (let c = 0; c < 6; c++) HEX[97 + c] = 10 + c;

const words = new Int32Array(4);

/** Parses a canonical lowercase UUID into `words`; false for anything else. */
function parseUuid(id: string): boolean {
  if (id.length !== 36 || id.charCodeAt(8) !== 45 || id.charCodeAt(13) !== 45 || id.charCodeAt(18) !== 45 || id.charCodeAt(23) !== 45) return false;
  let word = 0;
  let nibbles = 0;
  for (let i = 0; i < 36; i++) {
    if (i === 8 || i === 13 || i === 18 || i === 23) continue;
    const code = id.charCodeAt(i);
    const value = code < 128 ? HEX[code]! : -1;
    if (value < 0) return false;
    word = (word << 4) | value;
    if (++nibbles % 8 === 0) {
      words[nibbles / 8 - 1] = word;
      word = 0;
    }
  }
  return true;
}

/** Mixes the four words into a well-spread 32-bit hash (murmur3's finalizer over a combination). */
function hashWords(): number {
  let h = words[0]! ^ Math.imul(words[1]!, 0x9e3779b1) ^ Math.imul(words[2]!, 0x85ebca6b) ^ Math.imul(words[3]!, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createEventIdSet(): EventIdSet {
  let capacity = 1024; // slots, a power of two
  let slots = new Int32Array(capacity * 4);
  let used = new Uint8Array(capacity);
  let uuids = 0;
  const others = new Set<string>();

  /** The slot holding `words`, or the free slot where they belong. */
  const find = (table: Int32Array, taken: Uint8Array, mask: number): number => {
    let slot = hashWords() & mask;
    while (taken[slot] === 1) {
      const at = slot * 4;
      if (table[at] === words[0] && table[at + 1] === words[1] && table[at + 2] === words[2] && table[at + 3] === words[3]) return slot;
      slot = (slot + 1) & mask;
    }
    return slot;
  };

  const grow = () => {
    const oldSlots = slots;
    const oldUsed = used;
    capacity *= 2;
    slots = new Int32Array(capacity * 4);
    used = new Uint8Array(capacity);
    for (let slot = 0; slot < oldUsed.length; slot++) {
      if (oldUsed[slot] !== 1) continue;
      words.set(oldSlots.subarray(slot * 4, slot * 4 + 4));
      const free = find(slots, used, capacity - 1);
      slots.set(words, free * 4);
      used[free] = 1;
    }
  };

  return {
    get size() {
      return uuids + others.size;
    },
    addIfNew(id) {
      if (!parseUuid(id)) {
        if (others.has(id)) return false;
        others.add(id);
        return true;
      }
      const slot = find(slots, used, capacity - 1);
      if (used[slot] === 1) return false;
      slots.set(words, slot * 4);
      used[slot] = 1;
      uuids++;
      if (uuids * 10 > capacity * 7) grow(); // load factor ≤ 0.7
      return true;
    },
  };
}
