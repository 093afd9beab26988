// The timeline webview's HTML, as a pure function so the host panel and the browser tests
// serve the very same page. The page holds no data and no inline script or style: the CSP
// allows only the nonce'd bundle and the extension's own style sheets and fonts.

export interface TimelineHtmlOptions {
  /** The bundled webview script (webview.asWebviewUri of dist/webview/timeline.js). */
  scriptUri: string;
  /** Style sheets (asWebviewUri of media/timeline.css, ...). */
  styleUris: string[];
  /** webview.cspSource. */
  cspSource: string;
  /** A fresh random nonce per render (see makeNonce), for the script. */
  nonce: string;
  /**
   * Nonce for style elements the UI toolkit creates at run time (FAST probes :focus-visible
   * with a <style> element and reads it from <meta property="csp-nonce">). Kept apart from the
   * script nonce so the page never exposes that one; a fresh one when omitted.
   */
  styleNonce?: string;
  title?: string;
}

const NONCE = /^[A-Za-z0-9+/_-]{16,128}={0,2}$/;
// A CSP source list must not be able to add directives or loosen script rules: hosts and
// schemes, plus the one keyword VS Code itself uses ('self', as in "'self' https://*.vscode-cdn.net").
const CSP_SOURCE = /^(?:'self'|[^\s;,'"]+)(?: (?:'self'|[^\s;,'"]+))*$/;

export function timelineHtml(opts: TimelineHtmlOptions): string {
  const styleNonce = opts.styleNonce ?? makeNonce();
  if (!NONCE.test(opts.nonce) || !NONCE.test(styleNonce)) throw new Error('timelineHtml: a nonce must be 16+ base64/url-safe characters');
  if (styleNonce === opts.nonce) throw new Error('timelineHtml: the style nonce must differ from the script nonce');
  if (!CSP_SOURCE.test(opts.cspSource)) throw new Error('timelineHtml: invalid cspSource');
  const csp = [
    "default-src 'none'",
    `img-src ${opts.cspSource} data:`,
    `style-src ${opts.cspSource} 'nonce-${styleNonce}'`,
    `font-src ${opts.cspSource}`,
    `script-src 'nonce-${opts.nonce}'`,
  ].join('; ');
  const styles = opts.styleUris.map((u) => `  <link rel="stylesheet" href="${attr(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="UTF-8">
  <meta http-equiv="Content-Security-Policy" content="${attr(csp)}">
  <meta name="viewport" content="width=device-width, initial-scale=1.0">
  <meta property="csp-nonce" content="${attr(styleNonce)}">
${styles}
  <title>${text(opts.title ?? 'KubeForenSys Timeline')}</title>
</head>
<body>
  <div id="app" class="kfs-app"></div>
  <script nonce="${attr(opts.nonce)}" src="${attr(opts.scriptUri)}"></script>
</body>
</html>
`;
}

/** A random nonce for the script tag, fresh for every render. */
export function makeNonce(): string {
  const bytes = new Uint8Array(24);
  globalThis.crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function text(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** For double-quoted attribute values. */
function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;');
}
