import type { EventEnvelope } from './envelope.js';
import { UpcastError } from './errors.js';

/**
 * Brings events of `type` at `fromVersion` to `fromVersion + 1`: returns the
 * new `data`. Set `toType` when the new shape also has a new type name.
 */
export interface Upcaster {
  readonly type: string;
  readonly fromVersion: number;
  readonly toType?: string;
  upcast(data: unknown, envelope: EventEnvelope): unknown;
}

export interface UpcasterRegistry {
  /**
   * The event in its latest shape: upcasters chained from its stored
   * `schemaVersion`. An event with nothing to do is returned as is (same
   * object). `hash` and `prevHash` stay those of the stored form.
   * Throws `UpcastError` for a version newer than this code knows.
   */
  upcast<E extends EventEnvelope>(event: E): E;
  /** The schema version new events of this type are written with. */
  currentVersion(type: string): number;
  /** Every type some upcaster reads (old names included). */
  readonly sourceTypes: ReadonlySet<string>;
}

export interface UpcasterRegistryOptions {
  /**
   * Current schema version per event type, for types whose current version is
   * above 1 without upcasters (or to check the chains reach it). Default: the
   * version the last upcaster of each type produces, and 1 for other types.
   */
  readonly currentVersions?: Readonly<Record<string, number>>;
}

const key = (type: string, version: number) => `${type}\u0000${version}`;

/**
 * A registry keyed by (event type, schema version). Creating it checks the
 * chains: no two upcasters for one key, and each type's chain reaches its
 * current version without gaps.
 */
export function createUpcasterRegistry(upcasters: readonly Upcaster[], options: UpcasterRegistryOptions = {}): UpcasterRegistry {
  const byKey = new Map<string, Upcaster>();
  const current = new Map<string, number>();
  for (const u of upcasters) {
    if (!Number.isSafeInteger(u.fromVersion) || u.fromVersion < 1) {
      throw new UpcastError(`Upcaster for ${u.type}: fromVersion must be an integer ≥ 1, got ${u.fromVersion}`);
    }
    const k = key(u.type, u.fromVersion);
    if (byKey.has(k)) throw new UpcastError(`Two upcasters for ${u.type} version ${u.fromVersion}`);
    byKey.set(k, u);
    const target = u.toType ?? u.type;
    current.set(target, Math.max(current.get(target) ?? 1, u.fromVersion + 1));
  }
  for (const [type, version] of Object.entries(options.currentVersions ?? {})) {
    if ((current.get(type) ?? 1) > version) {
      throw new UpcastError(`${type}: upcasters produce version ${current.get(type)}, above its declared current version ${version}`);
    }
    current.set(type, version);
  }
  // Every chain must lead to its type's current version.
  for (const u of upcasters) {
    let type = u.type;
    let version = u.fromVersion;
    for (let step = byKey.get(key(type, version)); step !== undefined; step = byKey.get(key(type, version))) {
      type = step.toType ?? step.type;
      version = step.fromVersion + 1;
    }
    const expected = current.get(type) ?? 1;
    if (version !== expected) {
      throw new UpcastError(`Upcasters of ${u.type} from version ${u.fromVersion} stop at ${type} version ${version}; no upcaster leads on to its current version ${expected}`);
    }
  }
  const sourceTypes = new Set(upcasters.map((u) => u.type));

  return {
    sourceTypes,
    currentVersion: (type) => current.get(type) ?? 1,
    upcast<E extends EventEnvelope>(event: E): E {
      if (!sourceTypes.has(event.type) && !current.has(event.type)) return event;
      let out: EventEnvelope = event;
      for (let step = byKey.get(key(out.type, out.schemaVersion)); step !== undefined; step = byKey.get(key(out.type, out.schemaVersion))) {
        out = { ...out, type: step.toType ?? step.type, schemaVersion: step.fromVersion + 1, data: step.upcast(out.data, out) };
      }
      const latest = current.get(out.type) ?? 1;
      if (out.schemaVersion > latest) {
        throw new UpcastError(`Event ${out.eventId} (${out.type}) has schema version ${out.schemaVersion}, newer than this code knows (${latest}); upgrade dealbook to read it.`);
      }
      if (out.schemaVersion < latest) {
        throw new UpcastError(`Event ${out.eventId} (${out.type}) has schema version ${out.schemaVersion} and no upcaster brings it to version ${latest}.`);
      }
      return out as E;
    },
  };
}

/** A registry with no upcasters: every event is already in its latest shape. */
export const noUpcasters: UpcasterRegistry = createUpcasterRegistry([]);
