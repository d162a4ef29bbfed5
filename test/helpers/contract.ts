/**
 * Contract checking: every response a component test receives is validated against openapi/*.yaml
 * (status documented for the route, body matching the schema). `covered` records which operations and
 * statuses the suite exercised, and for an error body also with its `code`.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';

type Doc = {
  servers: Array<{ url: string }>;
  paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  components: { responses?: Record<string, unknown> };
};

const ajv = new Ajv2020({ strict: false, allErrors: true });
(addFormats as unknown as (a: Ajv2020) => void)(ajv);

const docs: Array<{ id: string; base: string; doc: Doc; routes: Array<{ re: RegExp; template: string }> }> =
  [];
for (const [id, file] of [
  ['partner', 'openapi/partner-v1.yaml'],
  ['admin', 'openapi/admin-v1.yaml'],
] as const) {
  const doc = parse(readFileSync(new URL(`../../${file}`, import.meta.url), 'utf8')) as Doc;
  ajv.addSchema(doc, id);
  const routes = Object.keys(doc.paths)
    .map((t) => ({ template: t, re: new RegExp('^' + t.replace(/\{[^}]+\}/g, '[^/]+') + '$') }))
    // Literal segments win over parameters (/assessment/{id}/evidence before /assessment/{id}).
    .sort((a, b) => b.template.split('/').length - a.template.split('/').length);
  docs.push({ id, base: doc.servers[0]!.url, doc, routes });
}

/**
 * Shared through globalThis: a test file whose module graph has a top-level await is import()ed rather
 * than require()d by mocha, and gets its own instances of the helpers; coverage must still add up.
 */
export const covered: Set<string> = ((globalThis as { __contractCovered?: Set<string> }).__contractCovered ??=
  new Set<string>());
export const documented = new Set<string>();
/** The operations that take a request body (`admin POST /partners`, …). */
export const withBody = new Set<string>();
for (const d of docs)
  for (const [t, ops] of Object.entries(d.doc.paths))
    for (const [m, op] of Object.entries(ops)) {
      if (typeof op !== 'object' || !op.responses) continue;
      for (const s of Object.keys(op.responses)) documented.add(`${d.id} ${m.toUpperCase()} ${t} ${s}`);
      if (op.requestBody) withBody.add(`${d.id} ${m.toUpperCase()} ${t}`);
    }

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Throws when `status`/`body` is not what the spec documents for `method path`; returns silently for routes outside the specs. */
export function checkResponse(method: string, urlPath: string, status: number, body: unknown): void {
  const path = urlPath.split('?')[0]!;
  const d = docs.find((x) => path.startsWith(x.base + '/') || path === x.base);
  if (!d) return;
  const rel = path.slice(d.base.length) || '/';
  const route = d.routes.find((r) => r.re.test(rel));
  if (!route) {
    if (status !== 404)
      throw new Error(`contract: ${method} ${path} is not in the ${d.id} spec but answered ${status}`);
    return;
  }
  const op = d.doc.paths[route.template]![method.toLowerCase()];
  if (!op) {
    if (status !== 404)
      throw new Error(
        `contract: ${method} ${route.template} is not in the ${d.id} spec but answered ${status}`,
      );
    return;
  }
  let response = op.responses[String(status)] as
    { $ref?: string; content?: Record<string, { schema: unknown }> } | undefined;
  if (!response)
    throw new Error(
      `contract: ${method} ${route.template} answered ${status}, which the ${d.id} spec does not document`,
    );
  let pointer = `#/paths/${escape(route.template)}/${method.toLowerCase()}/responses/${status}`;
  if (response.$ref) {
    pointer = response.$ref;
    response = d.doc.components.responses![response.$ref.split('/').pop()!] as typeof response;
  }
  covered.add(`${d.id} ${method.toUpperCase()} ${route.template} ${status}`);
  const code = (body as { code?: unknown } | undefined)?.code;
  if (status >= 400 && typeof code === 'string')
    covered.add(`${d.id} ${method.toUpperCase()} ${route.template} ${status} ${code}`);
  if (!response?.content?.['application/json']) return;
  const validate = ajv.getSchema(`${d.id}${pointer}/content/application~1json/schema`);
  if (!validate) throw new Error(`contract: no schema at ${d.id}${pointer}`);
  if (!validate(body))
    throw new Error(
      `contract: ${method} ${route.template} ${status} body does not match the spec: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(body).slice(0, 500)}`,
    );
}
