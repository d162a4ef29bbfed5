/**
 * A browser for the simulators' hosted connect pages (tools/simulators/hosted-page.ts), in plain HTTP:
 * fetch a page, read its forms, post one (its hidden and checked inputs, plus what the "customer" types),
 * and see where a redirect goes — never following it to the completion URL, which the test reads itself.
 */
export interface Page {
  url: string;
  status: number;
  html: string;
  /** The redirect's target (a 303 after a form), when the answer is one. */
  location?: string;
}

interface Form {
  action: string;
  fields: Map<string, string>;
  /** Every input's name, checked or not (to tell a form by what it asks). */
  names: Set<string>;
  buttons: string[];
}

const attr = (tag: string, name: string) =>
  new RegExp(`\\s${name}="([^"]*)"`, 'i')
    .exec(tag)?.[1]
    ?.replace(/&#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n)));

export function formsOf(html: string): Form[] {
  return [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)].map((m) => {
    const fields = new Map<string, string>();
    const names = new Set<string>();
    for (const [input] of (m[2] ?? '').matchAll(/<input\b[^>]*>/gi)) {
      const name = attr(input, 'name');
      if (!name) continue;
      names.add(name);
      const type = (attr(input, 'type') ?? 'text').toLowerCase();
      if ((type === 'radio' || type === 'checkbox') && !/\schecked\b/i.test(input)) continue;
      fields.set(name, attr(input, 'value') ?? (type === 'checkbox' ? 'on' : ''));
    }
    const buttons = [...(m[2] ?? '').matchAll(/<button\b[^>]*>([\s\S]*?)<\/button>/gi)].map((b) =>
      (b[1] ?? '').trim(),
    );
    return { action: attr(m[1] ?? '', 'action') ?? '', fields, names, buttons };
  });
}

async function answer(url: string, res: Response): Promise<Page> {
  const location = res.headers.get('location');
  return {
    url,
    status: res.status,
    html: await res.text(),
    ...(location ? { location: new URL(location, url).toString() } : {}),
  };
}

export async function open(url: string): Promise<Page> {
  return answer(url, await fetch(url, { redirect: 'manual' }));
}

/**
 * Posts the form of `page` whose button says `button` (or that asks for `fields`' names), with its own
 * values and `fields` over them. Fails when the page has no such form.
 */
export async function submit(page: Page, button: string, fields: Record<string, string> = {}): Promise<Page> {
  const form = formsOf(page.html).find((f) => f.buttons.includes(button));
  if (!form) throw new Error(`no form with a "${button}" button on ${page.url}: ${page.html.slice(0, 500)}`);
  const body = new URLSearchParams([...form.fields, ...Object.entries(fields)]);
  const url = new URL(form.action, page.url).toString();
  return answer(
    url,
    await fetch(url, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    }),
  );
}

/** The completion URL's query as the portal would read it. */
export const queryOf = (location: string): Record<string, string> =>
  Object.fromEntries(new URL(location).searchParams);
