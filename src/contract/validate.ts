/** zod → the API's error shape: `{"detail": "<first problem> (and N more)", "errors": [{path, message}]}`. */
import { first } from '../lib/narrow.ts';
import type { z } from 'zod';
import { badRequest, type FieldError } from '../lib/errors.ts';

/** `root` names the value itself when the problem is with all of it (the body, or a header). */
export function fieldErrors(e: z.ZodError, root = '(body)'): FieldError[] {
  return e.issues.slice(0, 50).map((i) => ({
    path:
      i.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '') || root,
    message: i.message,
  }));
}

/** The 400's detail and field errors for a zod failure (plain data: it may cross a thread boundary). */
export function zodFailure(
  e: z.ZodError,
  what: string,
  root?: string,
): { detail: string; errors: FieldError[] } {
  const errors = fieldErrors(e, root);
  const more = e.issues.length > 1 ? ` (and ${e.issues.length - 1} more)` : '';
  const head = first(errors, 'issue'); // a ZodError has at least one
  return { detail: `Invalid ${what}: ${head.path}: ${head.message}${more}`, errors };
}

export function parseOr400<S extends z.ZodType>(
  schema: S,
  value: unknown,
  what = 'request body',
  root?: string,
): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const f = zodFailure(r.error, what, root);
  throw badRequest(f.detail, f.errors);
}
