// Column and table definition primitives. Every table in the project is declared with
// `defineTable` in ./tables.ts; the bundle, the Log Analytics tables, the data collection
// rule's stream declarations, the KQL and the local timeline all read from there.

/** Log Analytics column types (the names the Tables API and stream declarations use). */
export type ColumnType = 'string' | 'datetime' | 'int' | 'long' | 'real' | 'boolean' | 'dynamic';

export interface ColumnDef {
  readonly name: string;
  readonly type: ColumnType;
  readonly description: string;
}

/** The TypeScript type a column holds in a bundle row (datetimes are ISO-8601 strings). */
// Strings are '' when absent; every other type is null when absent (Log Analytics stores nulls).
export type TsTypeOf<T extends ColumnType> = T extends 'string'
  ? string
  : T extends 'datetime'
    ? string | null
    : T extends 'int' | 'long' | 'real'
      ? number | null
      : T extends 'boolean'
        ? boolean | null
        : unknown;

export type RowOf<Cols extends readonly ColumnDef[]> = {
  [C in Cols[number] as C['name']]: TsTypeOf<C['type']>;
};

/** Columns every table carries. They are exactly the unified timeline's columns that come from a row. */
export const COMMON_COLUMNS = [
  { name: 'TimeGenerated', type: 'datetime', description: 'Time the record was collected (Azure may replace old values with ingestion time).' },
  { name: 'EventTime', type: 'datetime', description: 'Original time of the event or object in the cluster; the timeline orders and filters on it.' },
  { name: 'RecordId', type: 'string', description: 'Stable id of this record within the bundle (table:line hash); duplicates in Log Analytics share it.' },
  { name: 'SnapshotId', type: 'string', description: 'Id of the evidence bundle the record belongs to.' },
  { name: 'Cluster', type: 'string', description: 'Cluster name from the kubeconfig context the snapshot was taken from.' },
  { name: 'EventType', type: 'string', description: 'What happened, e.g. LogLine, ContainerStarted, Finding, BindingCreated.' },
  { name: 'Namespace', type: 'string', description: 'Namespace of the object, empty for cluster-scoped objects.' },
  { name: 'PodName', type: 'string', description: 'Pod the record concerns, empty when none.' },
  { name: 'ContainerName', type: 'string', description: 'Container the record concerns, empty when none.' },
  { name: 'Summary', type: 'string', description: 'One line describing the record for the timeline.' },
  { name: 'Severity', type: 'string', description: 'high, medium, low or info for findings; empty otherwise.' },
  { name: 'TechniqueId', type: 'string', description: 'Threat Matrix for Kubernetes technique id (MS-TA9xxx) for findings; empty otherwise.' },
] as const satisfies readonly ColumnDef[];

export type CommonRow = RowOf<typeof COMMON_COLUMNS>;
export type CommonColumnName = (typeof COMMON_COLUMNS)[number]['name'];
/** The common column names, typed: `COMMON.SnapshotId` is 'SnapshotId', and a typo does not compile. */
export const COMMON = Object.fromEntries(COMMON_COLUMNS.map((c) => [c.name, c.name])) as { readonly [N in CommonColumnName]: N };

export interface TableDef<Name extends string = string, Cols extends readonly ColumnDef[] = readonly ColumnDef[]> {
  /** Log Analytics custom table name; ends in _CL. */
  readonly name: Name;
  readonly description: string;
  /** The table-specific columns (the timeline packs them into Details). */
  readonly specific: Cols;
  /** COMMON_COLUMNS followed by the specific ones: the table's full column list. */
  readonly columns: readonly ColumnDef[];
}

/** Column names Log Analytics reserves for itself (compared case-insensitively); see docs/azure.md. */
export const RESERVED_COLUMN_NAMES = ['_ResourceId', 'id', '_SubscriptionId', 'TenantId', 'Type', 'UniqueId', 'Title', 'BilledSize', 'IsBillable', 'InvalidTimeGenerated', '_ItemId', '_ResourceGroup', '_TimeReceived'] as const;
const RESERVED = new Set(RESERVED_COLUMN_NAMES.map((n) => n.toLowerCase()));
/** A custom column name: 2 to 45 letters, digits and underscores, starting with a letter. */
export const COLUMN_NAME = /^[A-Za-z][A-Za-z0-9_]{1,44}$/;

export function defineTable<const Name extends string, const Cols extends readonly ColumnDef[]>(def: {
  name: Name;
  description: string;
  columns: Cols;
}): TableDef<Name, Cols> {
  if (!/^[A-Za-z][A-Za-z0-9_]*_CL$/.test(def.name)) throw new Error(`table name ${def.name} must end in _CL`);
  const columns = [...COMMON_COLUMNS, ...def.columns];
  const seen = new Set<string>();
  for (const c of columns) {
    if (!COLUMN_NAME.test(c.name)) throw new Error(`column ${def.name}.${c.name} is not a valid Log Analytics column name`);
    if (RESERVED.has(c.name.toLowerCase())) throw new Error(`column ${def.name}.${c.name} uses a reserved name`);
    if (seen.has(c.name)) throw new Error(`column ${def.name}.${c.name} is declared twice`);
    seen.add(c.name);
  }
  return { name: def.name, description: def.description, specific: def.columns, columns };
}
