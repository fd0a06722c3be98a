/**
 * /v1/docs: an API reference rendered from the OpenAPI document, self-contained (no CDN: the page must work
 * offline and under a strict CSP). Each operation is a collapsible section with its parameters, body and
 * responses as JSON Schema, and a "try it" form that sends the request with the token typed at the top.
 */

type Json = Record<string, unknown>;

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

function escapeHtml(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
}

function schemaBlock(schema: unknown): string {
  return `<pre>${escapeHtml(JSON.stringify(schema, null, 2))}</pre>`;
}

function operationHtml(path: string, method: string, operation: Json, index: number): string {
  const parameters = (operation.parameters as Json[] | undefined) ?? [];
  const body = (operation.requestBody as Json | undefined)?.content as Json | undefined;
  const bodySchema = body ? (Object.values(body)[0] as Json | undefined)?.schema : undefined;
  const responses = (operation.responses as Json | undefined) ?? {};
  const parameterRows = parameters
    .map(
      (p) =>
        `<tr><td><code>${escapeHtml(String(p.name))}</code></td><td>${escapeHtml(String(p.in))}</td>` +
        `<td>${p.required ? 'required' : 'optional'}</td><td><code>${escapeHtml(JSON.stringify(p.schema ?? {}))}</code></td></tr>`,
    )
    .join('');
  const responseList = Object.entries(responses)
    .map(
      ([status, response]) =>
        `<li><b>${escapeHtml(status)}</b> ${escapeHtml(String((response as Json).description ?? ''))}</li>`,
    )
    .join('');
  return `<details id="op-${index}">
<summary><span class="method ${method}">${method.toUpperCase()}</span> <code>${escapeHtml(path)}</code> — ${escapeHtml(String(operation.summary ?? ''))}</summary>
${operation.description ? `<p>${escapeHtml(String(operation.description))}</p>` : ''}
${parameterRows ? `<h4>Parameters</h4><table>${parameterRows}</table>` : ''}
${bodySchema ? `<h4>Body</h4>${schemaBlock(bodySchema)}` : ''}
<h4>Responses</h4><ul>${responseList}</ul>
<form class="try" data-method="${method}" data-path="${escapeHtml(path)}">
<input name="path" value="${escapeHtml(path)}" size="60" aria-label="path">
${bodySchema ? '<textarea name="body" rows="4" cols="60" aria-label="body">{}</textarea>' : ''}
<button>Try it</button><pre class="out"></pre></form>
</details>`;
}

const SCRIPT = `
document.querySelectorAll('form.try').forEach((form) => form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const out = form.querySelector('.out');
  const token = document.getElementById('token').value.trim();
  const headers = token ? { authorization: 'Bearer ' + token } : {};
  const body = form.elements.body ? form.elements.body.value : undefined;
  if (body !== undefined) headers['content-type'] = 'application/json';
  try {
    const response = await fetch(form.elements.path.value, { method: form.dataset.method.toUpperCase(), headers, body });
    out.textContent = response.status + ' ' + response.statusText + '\\n' + await response.text();
  } catch (error) { out.textContent = String(error); }
}));`;

const STYLE = `body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
details{border:1px solid #d5dae3;border-radius:6px;margin:.4rem 0;padding:.3rem .8rem}summary{cursor:pointer}
.method{display:inline-block;min-width:4.2rem;font-weight:700}.get{color:#1769aa}.post{color:#2e7d32}.put,.patch{color:#b26a00}
.delete{color:#c62828}pre{background:#f5f7fa;padding:.6rem;overflow:auto;max-height:24rem}table{border-collapse:collapse}
td{border-bottom:1px solid #eee;padding:.2rem .6rem}h2{margin-top:2rem}`;

export interface ReferencePage {
  html: string;
  /** The CSP hash source of the inline script, for the page's Content-Security-Policy. */
  scriptHash: string;
}

export async function renderReferencePage(spec: Json): Promise<ReferencePage> {
  const info = (spec.info as Json | undefined) ?? {};
  const byTag = new Map<string, string[]>();
  let index = 0;
  for (const [path, item] of Object.entries((spec.paths as Json | undefined) ?? {})) {
    for (const method of METHODS) {
      const operation = (item as Json)[method] as Json | undefined;
      if (!operation) continue;
      const tag = ((operation.tags as string[] | undefined) ?? ['other'])[0] as string;
      byTag.set(tag, [...(byTag.get(tag) ?? []), operationHtml(path, method, operation, index++)]);
    }
  }
  const sections = [...byTag]
    .map(([tag, operations]) => `<h2>${escapeHtml(tag)}</h2>${operations.join('\n')}`)
    .join('\n');
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(SCRIPT)));
  let binary = '';
  for (const byte of digest) binary += String.fromCharCode(byte);
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>${escapeHtml(String(info.title ?? 'API'))} reference</title><style>${STYLE}</style></head><body>
<h1>${escapeHtml(String(info.title ?? 'API'))} <small>${escapeHtml(String(info.version ?? ''))}</small></h1>
<p>${escapeHtml(String(info.description ?? ''))}</p>
<p>The machine-readable document: <a href="/v1/openapi.json">/v1/openapi.json</a> (OpenAPI 3.1).</p>
<p><label>Token for “Try it”: <input id="token" size="70" placeholder="access token or keel_… API token"></label></p>
${sections}
<script>${SCRIPT}</script></body></html>`;
  return { html, scriptHash: `'sha256-${btoa(binary)}'` };
}
