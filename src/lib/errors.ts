/**
 * One error type for everything a client should see: an HTTP status, a `detail` safe to show, an
 * optional stable `code`, and for validation the failing paths. Anything else is a 500 whose detail
 * never echoes the internal message.
 */
export interface FieldError {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code?: string,
    readonly errors?: FieldError[],
    /** Whether retrying the same request may succeed (for logs and clients' retry policies). */
    readonly retryable = status >= 500 || status === 429 || status === 409,
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export const badRequest = (detail: string, errors?: FieldError[], code = 'validation_error') => new ApiError(400, detail, code, errors);
export const unauthorized = (detail = 'Missing, invalid or disabled API key') => new ApiError(401, detail, 'unauthorized');
export const forbidden = (detail: string, code = 'forbidden') => new ApiError(403, detail, code);
export const notFound = (detail = 'Not found') => new ApiError(404, detail, 'not_found');
export const conflict = (detail: string, code = 'conflict') => new ApiError(409, detail, code);
export const unprocessable = (detail: string, code = 'unprocessable') => new ApiError(422, detail, code);
export const tooManyRequests = (detail: string, code = 'quota_exhausted') => new ApiError(429, detail, code);
