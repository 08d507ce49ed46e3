/**
 * The page's HTML shell and the headers every response carries. The Content-Security-Policy
 * allows this origin only: the page cannot load or send anything elsewhere, even by mistake.
 *
 * @module
 */

/** Headers on every response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
});

/**
 * The HTML of the page: the bundled script and stylesheet, nothing from elsewhere.
 *
 * @param title - the page title (the log's name).
 * @returns the document.
 */
export function pageHtml(title: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · agentloop inspector</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/app.css">
<script type="module" src="/app.js"></script>
</head>
<body>
<div id="app"><p class="loading">Loading the runs…</p></div>
<noscript>The agentloop inspector needs JavaScript.</noscript>
</body>
</html>
`;
}

/** Text made safe to put in HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
