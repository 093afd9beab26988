// The analyst's marks on timeline rows and saved views, as plain data: the webview shows and edits
// them, src/core/timeline/caseFile.ts stores them beside the bundle. Browser-safe (no Node import).
import type { TimelineFilter } from './filter.js';

/** Tags offered with one click; any other free text is a tag too. */
export const PRESET_TAGS = ['evidence', 'benign', 'follow-up'] as const;

export interface CaseComment {
  text: string;
  by: string;
  /** ISO-8601 UTC. */
  at: string;
}

export interface RowMark {
  starred: boolean;
  tags: string[];
  comments: CaseComment[];
}

export interface ColumnLayout {
  key: string;
  /** Pixels; absent: the column's default. */
  width?: number;
  hidden?: boolean;
}

export interface SavedView {
  name: string;
  filter: TimelineFilter;
  /** Column order, widths and visibility; absent: the default grid. */
  columns?: ColumnLayout[];
  by: string;
  at: string;
}

/** One change to one row's mark, as the webview asks for it. */
export type MarkEdit =
  | { op: 'star'; starred: boolean }
  | { op: 'addTag'; tag: string }
  | { op: 'removeTag'; tag: string }
  | { op: 'comment'; text: string };

