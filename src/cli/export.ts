// `kubeforensys export BUNDLE --out DIR [--tables LIST]`: the derived rows as DIR/<table>.jsonl.
import { Command, InvalidArgumentError } from 'commander';
import { resolve } from 'node:path';
import { openBundle } from '../core/evidence/reader.js';
import { exportTables } from '../core/derive/export.js';
import { TABLES, type TableName } from '../core/schema/tables.js';
import { cliStreams, formatBytes, renderTable, safeText } from './format.js';

const TABLE_NAMES = TABLES.map((t) => t.name) as readonly string[];

function parseTables(v: string): TableName[] {
  const names = v.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = names.filter((n) => !TABLE_NAMES.includes(n));
  if (bad.length > 0) throw new InvalidArgumentError(`unknown table ${safeText(bad[0]!, 80)}; tables are: ${TABLE_NAMES.join(', ')}`);
  return names as TableName[];
}

export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .argument('<bundle>', 'evidence bundle folder')
    .requiredOption('--out <dir>', 'folder the <table>.jsonl files are written to (outside the bundle)')
    .option('--tables <list>', `comma-separated subset of: ${TABLE_NAMES.join(', ')}`, parseTables)
    .description('Write the rows derived from the bundle\'s raw evidence as one JSON-lines file per table, with export.json (rows and SHA-256 per file).')
    .action(async (bundle: string, flags: { out: string; tables?: TableName[] }) => {
      const b = await openBundle(resolve(bundle));
      const done = await exportTables(b, flags.tables ?? null, flags.out);
      cliStreams().stdout.write(
        renderTable(
          ['Table', 'Rows', 'Size', 'SHA-256'],
          done.map((d) => [d.table, d.rows.toLocaleString('en-US'), formatBytes(d.bytes), d.sha256]),
        ) + '\n',
      );
    });
}
