import type Database from 'better-sqlite3';
import type { EventFilter } from '@dealbook/eventsourcing';

/** Above this many filter values, one indexed scan per value gives way to a scan of the log with a membership test. */
const MAX_MERGED_SCANS = 64;

/** A page query for one filter shape: the statement, and how to bind `after`, `maxCount` and the filter's values. */
export interface PageQuery {
  readonly statement: Database.Statement;
  readonly bind: (after: number, maxCount: number) => unknown[];
}

/**
 * Compiles a `readAll` filter into SQL. Without a filter, a range scan of the
 * primary key. With event types (or only categories), one indexed range scan
 * per value (`(type, position)` or `(category, position)`), merged in
 * position order by a `UNION ALL … ORDER BY` that SQLite evaluates lazily, so
 * a page costs its own size, however far the log goes on; the other list, if
 * any, is tested on each row. Statements are cached per shape (how many
 * values of each kind). Returns `'nothing'` for a filter that cannot match
 * (an empty list).
 */
export function createPageQueries(db: Database.Database): (filter: EventFilter | undefined) => PageQuery | 'nothing' {
  const cache = new Map<string, Database.Statement>();
  const prepared = (key: string, sql: () => string) => {
    let statement = cache.get(key);
    if (statement === undefined) {
      statement = db.prepare(sql()).raw(true);
      cache.set(key, statement);
    }
    return statement;
  };
  const columns = 'SELECT position, envelope FROM events';
  const unfiltered = prepared('all', () => `${columns} WHERE position > ? ORDER BY position LIMIT ?`);
  const all: PageQuery = { statement: unfiltered, bind: (after, maxCount) => [after, maxCount] };

  return (filter) => {
    const types = filter?.eventTypes === undefined ? undefined : [...new Set(filter.eventTypes)];
    const categories = filter?.streamCategories === undefined ? undefined : [...new Set(filter.streamCategories)];
    if (types === undefined && categories === undefined) return all;
    if (types?.length === 0 || categories?.length === 0) return 'nothing';
    const [column, values, otherColumn, others] = types !== undefined ? ['type', types, 'category', categories] : ['category', categories!, 'type', undefined];
    if (values.length + (others?.length ?? 0) > MAX_MERGED_SCANS) {
      // Many values: walk the log in order and test membership (no sort either way).
      const statement = prepared(
        `scan:${types === undefined ? 0 : 1}:${categories === undefined ? 0 : 1}`,
        () =>
          `${columns} WHERE position > ?` +
          (types === undefined ? '' : ' AND +type IN (SELECT value FROM json_each(?))') +
          (categories === undefined ? '' : ' AND +category IN (SELECT value FROM json_each(?))') +
          ' ORDER BY position LIMIT ?',
      );
      return {
        statement,
        bind: (after, maxCount) => [after, ...(types === undefined ? [] : [JSON.stringify(types)]), ...(categories === undefined ? [] : [JSON.stringify(categories)]), maxCount],
      };
    }
    const otherTest = others === undefined ? '' : ` AND +${otherColumn} IN (${others.map(() => '?').join(', ')})`;
    const statement = prepared(`merge:${column}:${values.length}:${others?.length ?? 0}`, () => {
      const arm = `${columns} WHERE ${column} = ? AND position > ?${otherTest}`;
      return `${values.map(() => arm).join(' UNION ALL ')} ORDER BY position LIMIT ?`;
    });
    return {
      statement,
      bind: (after, maxCount) => {
        const args: unknown[] = [];
        for (const value of values) {
          args.push(value, after);
          if (others !== undefined) args.push(...others);
        }
        args.push(maxCount);
        return args;
      },
    };
  };
}
