// The kubeforensys: scheme's content provider: collected logs and command history, read-only.
import * as vscode from 'vscode';
import type { CoreServices } from '../host/services.js';
import { parseEvidenceQuery, renderEvidence } from '../host/evidenceDocuments.js';

export function createEvidenceDocumentProvider(core: CoreServices): vscode.TextDocumentContentProvider {
  return {
    async provideTextDocumentContent(uri, token) {
      const ref = parseEvidenceQuery(uri.query);
      if (!ref) return '# This kubeforensys: document address is not valid.\n';
      const abort = new AbortController();
      const sub = token.onCancellationRequested(() => abort.abort());
      try {
        return await renderEvidence(await core.openBundle(ref.bundleDir), ref, abort.signal);
      } catch (err) {
        return `# Could not read ${ref.bundleDir}: ${err instanceof Error ? err.message : String(err)}\n`;
      } finally {
        sub.dispose();
      }
    },
  };
}
