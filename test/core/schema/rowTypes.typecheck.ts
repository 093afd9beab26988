// Compile-time test (run by `npm run typecheck`): row types carry the literal column names, so a
// misspelt column or a wrong type is a compiler error wherever rows are built or read.
import type { ContainerLogRow, SuspiciousPodRow } from '../../../src/core/schema/tables.js';
declare const r: ContainerLogRow;
declare const f: SuspiciousPodRow;
const a: string = r.Message;
const b: string = f.FindingTitle;
// @ts-expect-error no such column
const c = r.NoSuchColumn;
// @ts-expect-error LineNumber is a number
const d: string = r.LineNumber;
export { a, b, c, d };
