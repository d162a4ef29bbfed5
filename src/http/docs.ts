/** A small human docs page over the OpenAPI documents (no third-party scripts: a strict CSP applies). */
export function docsPage(): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Veqtrx Partner API v1</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:3rem auto;padding:0 1rem;color:#1b1f24}code{background:#f3f4f6;padding:.1rem .3rem;border-radius:4px}</style></head>
<body><h1>Veqtrx Partner API v1</h1>
<p>Server-to-server affordability assessments. The contract, field for field:</p>
<ul><li><a href="/api/partner/v1/openapi.json">Partner API (OpenAPI 3.1, JSON)</a> — <code>POST /assess</code>, <code>GET /assessment/{id}</code>, <code>GET /usage</code>, <code>GET /health</code>, and the marked extensions.</li>
<li><a href="/api/admin/openapi.json">Admin API (OpenAPI 3.1, JSON)</a> — partners, keys, tiers, webhook secrets, production sign-off.</li></ul>
<p>Authenticate with <code>X-Partner-Key</code> from your backend only; errors are <code>{"detail": …}</code>; every response carries <code>X-Request-Id</code>.
Webhooks carry <code>X-Veqtrx-Signature: sha256=&lt;hex HMAC of the exact body&gt;</code> and the Standard Webhooks headers.</p>
</body></html>`;
}
