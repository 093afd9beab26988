// TimeSource of log rows on the columnar path, by the log table's rule (schema/timeline.ts
// TIME_SOURCE_RULES) evaluated once per combination of what a log row's time depends on: whether
// the line had its own timestamp, and whether its time is the collection time. The rule is the
// schema's; the columnar test (test/core/timeline/columnar.test.ts) holds this to the row path.
import { containerLogs } from '../schema/tables.js';
import { COMMON } from '../schema/columns.js';
import { EVENT_TIME_COLUMN, type TimeSource } from '../schema/timeline.js';
import { timeSourceOf } from './rows.js';
import { parseTimeKey, type TimeKey } from './timeKey.js';

const PARSED_COLUMN = 'TimestampParsed' satisfies (typeof containerLogs.specific)[number]['name'];
const COLLECTED_COLUMN = COMMON.TimeGenerated;

export interface LogTimeSources {
  /** The distinct sources, indexed by `of`. */
  values: TimeSource[];
  of(time: TimeKey, parsed: boolean): number;
}

export function logTimeSources(timeGenerated: string): LogTimeSources {
  const collected = parseTimeKey(timeGenerated);
  const values: TimeSource[] = [];
  // [known][parsed][at collection time]
  const table = new Uint8Array(8);
  for (let k = 0; k < 8; k++) {
    const known = (k & 4) !== 0;
    const parsed = (k & 2) !== 0;
    const atCollection = (k & 1) !== 0;
    const row: Record<string, unknown> = {
      [EVENT_TIME_COLUMN]: known ? (atCollection ? timeGenerated : `${timeGenerated} (another time)`) : null,
      [COLLECTED_COLUMN]: timeGenerated,
      [PARSED_COLUMN]: parsed,
    };
    const v = timeSourceOf(containerLogs.name, (c) => row[c]);
    if (!values.includes(v)) values.push(v);
    table[k] = values.indexOf(v);
  }
  return {
    values,
    of: (t, parsed) => {
      const atCollection = collected !== null && t.day === collected.day && t.clock === collected.clock;
      return table[(t.day !== 0 ? 4 : 0) | (parsed ? 2 : 0) | (atCollection ? 1 : 0)]!;
    },
  };
}
