/** zod → the API's error shape: `{"detail": "<first problem> (and N more)", "errors": [{path, message}]}`. */
import type { z } from 'zod';
import { badRequest, type FieldError } from '../lib/errors.ts';

export function fieldErrors(e: z.ZodError): FieldError[] {
  return e.issues.slice(0, 50).map((i) => ({ path: i.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || '(body)', message: i.message }));
}

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what = 'request body'): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const errors = fieldErrors(r.error);
  const more = r.error.issues.length > 1 ? ` (and ${r.error.issues.length - 1} more)` : '';
  throw badRequest(`Invalid ${what}: ${errors[0]!.path}: ${errors[0]!.message}${more}`, errors);
}

/** Compile-time tie between a zod schema and an OpenAPI-generated type: same keys, compatible values. */
export type Exactly<A, B> = [keyof A] extends [keyof B] ? ([keyof B] extends [keyof A] ? true : false) : false;
export function assertType<_T extends true>(): void {}
