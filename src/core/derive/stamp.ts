// The columns a bundle owns (TimeGenerated, RecordId, SnapshotId, Cluster) and the schema's
// column order: every derived row goes through here, so the same raw evidence gives
// byte-identical rows (TimeGenerated is the snapshot's start, RecordIds number rows in
// derivation order).
import { tableByName, type TableName } from '../schema/tables.js';

export interface StampSource {
  snapshotId: string;
  cluster: string;
  /** Normalized time every row of the bundle carries as TimeGenerated. */
  timeGenerated: string;
}

export class RowStamper {
  private readonly counts = new Map<TableName, number>();

  constructor(readonly source: StampSource) {}

  /** The next row of `table`: owned columns stamped, every column present, in schema order. */
  stamp(table: TableName, row: Record<string, unknown>): Record<string, unknown> {
    const def = tableByName(table);
    if (!def) throw new Error(`unknown table ${table}`);
    const n = (this.counts.get(table) ?? 0) + 1;
    this.counts.set(table, n);
    const owned: Record<string, unknown> = {
      TimeGenerated: this.source.timeGenerated,
      RecordId: `${this.source.snapshotId}/${table}/${String(n).padStart(9, '0')}`,
      SnapshotId: this.source.snapshotId,
      Cluster: this.source.cluster,
    };
    const out: Record<string, unknown> = {};
    for (const c of def.columns) {
      const v = c.name in owned ? owned[c.name] : row[c.name];
      out[c.name] = v === undefined ? (c.type === 'string' ? '' : null) : v;
    }
    return out;
  }

  count(table: TableName): number {
    return this.counts.get(table) ?? 0;
  }
}
