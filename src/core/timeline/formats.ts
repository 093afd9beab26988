// The timeline export formats, in a module without Node imports: the webview offers them and the
// message validators check them, while src/core/timeline/export.ts writes them.
export const EXPORT_FORMATS = ['csv', 'jsonl', 'timesketch'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const FORMAT_INFO: Record<ExportFormat, { label: string; extension: string; description: string }> = {
  csv: { label: 'CSV', extension: 'csv', description: 'one row per event, Details as JSON' },
  jsonl: { label: 'JSONL', extension: 'jsonl', description: 'one JSON object per line' },
  timesketch: { label: 'Timesketch JSONL', extension: 'jsonl', description: 'message, datetime, timestamp_desc + every column; marks as tag and comment' },
};

export function isExportFormat(v: unknown): v is ExportFormat {
  return typeof v === 'string' && (EXPORT_FORMATS as readonly string[]).includes(v);
}
