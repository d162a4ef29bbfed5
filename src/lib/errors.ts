/**
 * One error type for everything a client should see: an HTTP status, a `detail` safe to show, a stable
 * `code` from one closed list, and for validation the failing paths. Anything else is a 500 whose detail
 * never echoes the internal message.
 *
 * ERROR_CODES is that list. The same list is the `enum` of the error `code` in openapi/partner-v1.yaml
 * and openapi/admin-v1.yaml (bound at compile time in src/http/error-codes.ts) and the table in the
 * README, "Error codes" (checked by test/unit/http/error-codes.test.ts). A new code goes in all three.
 */
export interface FieldError {
  path: string;
  message: string;
}

type Api = 'partner' | 'admin';

export interface ErrorCodeInfo {
  /** The HTTP status it comes with. */
  readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 504;
  /** The APIs whose responses can carry it. */
  readonly apis: readonly Api[];
  /**
   * Whether the same request, sent again unchanged, may succeed later (after `Retry-After` when the
   * response has one). False when something must change first: the request, the configuration, the
   * customer's bank connection, or the month.
   */
  readonly retry: boolean;
  /** What it means, for the README. */
  readonly meaning: string;
}

const BOTH = ['partner', 'admin'] as const;
const PARTNER = ['partner'] as const;
const ADMIN = ['admin'] as const;

export const ERROR_CODES = {
  validation_error: {
    status: 400,
    apis: BOTH,
    retry: false,
    meaning:
      'The body, a query parameter or a header is not what the operation accepts; `errors` names each path.',
  },
  malformed_json: {
    status: 400,
    apis: BOTH,
    retry: false,
    meaning: 'The body is not JSON (for `POST /assess`, also one that is not valid UTF-8).',
  },
  invalid_string: {
    status: 400,
    apis: BOTH,
    retry: false,
    meaning:
      'A string or key with a lone surrogate or a control character (U+0000–U+001F, U+007F); `errors` names the path.',
  },
  bad_request: {
    status: 400,
    apis: BOTH,
    retry: false,
    meaning: 'A request the HTTP layer could not read (e.g. a body cut short).',
  },
  too_deeply_nested: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning: 'JSON nested more than 32 levels.',
  },
  too_many_transactions: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning:
      'More than 10,000 transactions (counted before any row is validated), or a fetching source returned more: ask for a shorter period.',
  },
  date_out_of_window: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning:
      'A transaction date (or a ValidiFI `start_date`/`end_date`) before the same day 24 months ago or after tomorrow (UTC).',
  },
  no_transactions_to_assess: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning: 'Every transaction is dated after the day of the assessment.',
  },
  mixed_currency: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning: "Transactions in more than one currency, or not in the request's `currency`.",
  },
  invalid_date: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning: 'A date the engine cannot read (the request schema refuses these first).',
  },
  invalid_amount: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning: 'An amount the engine cannot read (the request schema refuses these first).',
  },
  invalid_source: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning:
      "A source's data that cannot be assessed as it stands: every Plaid transaction pending, a ValidiFI `end_date` in the future or a period over 400 days, …",
  },
  no_transactions: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning: 'A fetching source (ValidiFI) returned no transactions for the account and period.',
  },
  validifi_account_not_found: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning: 'ValidiFI has no account with this `account_token`.',
  },
  plaid_item_not_found: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning:
      'Plaid does not know this `access_token` (invalid, or its Item was removed): send the token `/item/public_token/exchange` returned, or connect the customer again.',
  },
  connect_session_mismatch: {
    status: 400,
    apis: PARTNER,
    retry: false,
    meaning:
      'A connect completion names another session than the one the connection started: start a new connection.',
  },
  unauthorized: {
    status: 401,
    apis: BOTH,
    retry: false,
    meaning:
      'A missing, invalid or disabled API key (partner API); a missing, invalid, expired or too long-lived admin token (admin API).',
  },
  browser_request_refused: {
    status: 403,
    apis: PARTNER,
    retry: false,
    meaning: 'A request with an `Origin` header: keys are for server-side use only.',
  },
  not_found: {
    status: 404,
    apis: BOTH,
    retry: false,
    meaning: "No such route or resource (another partner's assessment is not found either).",
  },
  idempotency_in_progress: {
    status: 409,
    apis: PARTNER,
    retry: true,
    meaning: 'The first request with this `Idempotency-Key` is still running.',
  },
  delivery_pending: {
    status: 409,
    apis: PARTNER,
    retry: true,
    meaning:
      'The webhook delivery is still pending (its attempts are scheduled): redeliver it once it is delivered or failed.',
  },
  validifi_sync_in_progress: {
    status: 409,
    apis: PARTNER,
    retry: true,
    meaning: 'ValidiFI is still syncing the account: retry in a few minutes.',
  },
  validifi_reconnect_required: {
    status: 409,
    apis: PARTNER,
    retry: false,
    meaning:
      'The customer must go through ValidiFI CONNECT again (MFA, re-authentication) before a retry can succeed.',
  },
  plaid_reconnect_required: {
    status: 409,
    apis: PARTNER,
    retry: false,
    meaning:
      'The customer must go through Plaid Link again (update mode: the bank wants a new login or MFA) before a retry can succeed.',
  },
  connect_cancelled: {
    status: 409,
    apis: PARTNER,
    retry: false,
    meaning:
      "The customer left the aggregator's connect flow (Plaid Link, ValidiFI CONNECT) without linking an account: start a new connection.",
  },
  connect_session_expired: {
    status: 409,
    apis: PARTNER,
    retry: false,
    meaning:
      'The connect session expired (or the provider no longer knows it) before an account was linked: start a new connection.',
  },
  connect_not_completed: {
    status: 409,
    apis: PARTNER,
    retry: true,
    meaning:
      'The connect provider has no linked account for the session yet (the customer has not finished, or the completion did not come from the provider): complete again once the flow is done.',
  },
  partner_exists: {
    status: 409,
    apis: ADMIN,
    retry: false,
    meaning: 'A partner with this `partner_id` already exists.',
  },
  job_not_processing: {
    status: 409,
    apis: ADMIN,
    retry: false,
    meaning:
      'The job has already ended (completed, failed or cancelled): only a job still processing can be cancelled.',
  },
  portal_not_enabled: {
    status: 409,
    apis: ADMIN,
    retry: false,
    meaning:
      "The partner's portal is not enabled (`PUT /partners/{partner_id}/portal` with `portal_enabled: true`): no link can be minted.",
  },
  logo_refused: {
    status: 422,
    apis: ADMIN,
    retry: false,
    meaning:
      'The portal `logo_url` could not be used: not reachable through the SSRF guard, not a PNG, JPEG or WebP image (SVG is refused), or over 256 KB.',
  },
  body_too_large: {
    status: 413,
    apis: BOTH,
    retry: false,
    meaning:
      "The body is larger than the limit: `BODY_LIMIT` (8 MB) for `POST /assess`, 28 MB (JSON) or 21 MB (multipart) for `POST /assess/documents`, 100 KB for every other JSON body (the admin API's included).",
  },
  documents_too_large: {
    status: 413,
    apis: PARTNER,
    retry: false,
    meaning: '`POST /assess/documents`: more than 20 MB of documents (decoded) in one request.',
  },
  unsupported_media_type: {
    status: 415,
    apis: BOTH,
    retry: false,
    meaning:
      'A body that is not `application/json` (nor, for `POST /assess/documents`, `multipart/form-data`).',
  },
  unsupported_encoding: {
    status: 415,
    apis: BOTH,
    retry: false,
    meaning:
      'A charset other than UTF-8 (`POST /assess`) or than a Unicode one (other JSON bodies), or a `Content-Encoding` the gateway does not read.',
  },
  idempotency_key_reused: {
    status: 422,
    apis: PARTNER,
    retry: false,
    meaning: 'This `Idempotency-Key` was used with another body.',
  },
  provider_not_configured: {
    status: 422,
    apis: PARTNER,
    retry: false,
    meaning: "The partner has no credentials for the source's provider: an administrator stores them first.",
  },
  quota_exhausted: {
    status: 429,
    apis: PARTNER,
    retry: false,
    meaning: 'The monthly quota is used up; it resets on the 1st of next month (UTC).',
  },
  auth_rate_limited: {
    status: 429,
    apis: PARTNER,
    retry: true,
    meaning:
      'Too many failed key attempts from this address or for this key prefix: retry after `Retry-After`.',
  },
  auth_busy: {
    status: 429,
    apis: PARTNER,
    retry: true,
    meaning: 'Too many key verifications in progress: retry after `Retry-After` (1 s).',
  },
  internal_error: {
    status: 500,
    apis: BOTH,
    retry: true,
    meaning: 'An unexpected failure; nothing was charged. Persistent ones: quote the `X-Request-Id`.',
  },
  validifi_bad_response: {
    status: 502,
    apis: PARTNER,
    retry: true,
    meaning: 'ValidiFI failed or answered malformed data.',
  },
  validifi_unreachable: {
    status: 502,
    apis: PARTNER,
    retry: true,
    meaning: 'ValidiFI could not be reached.',
  },
  validifi_rate_limited: {
    status: 502,
    apis: PARTNER,
    retry: true,
    meaning: "ValidiFI kept answering 429 after the gateway's retries.",
  },
  validifi_credentials_refused: {
    status: 502,
    apis: PARTNER,
    retry: false,
    meaning:
      "ValidiFI refused the partner's client credentials (or the gateway's IP address): an administrator must fix them.",
  },
  validifi_unauthorized: {
    status: 502,
    apis: PARTNER,
    retry: false,
    meaning: 'ValidiFI refused a fresh bearer token: check the credentials and its IP allow-list.',
  },
  validifi_timeout: {
    status: 504,
    apis: PARTNER,
    retry: true,
    meaning: 'ValidiFI did not answer in time; nothing was charged.',
  },
  provider_bad_response: {
    status: 502,
    apis: PARTNER,
    retry: true,
    meaning:
      'A third-party analysis provider, Plaid or a connect provider failed or answered malformed data.',
  },
  provider_unreachable: {
    status: 502,
    apis: PARTNER,
    retry: true,
    meaning:
      'A third-party analysis provider, Plaid or a connect provider could not be reached, or kept answering 429 or 5xx, until the deadline (the analysis deadline for an analysis).',
  },
  provider_credentials_refused: {
    status: 502,
    apis: PARTNER,
    retry: false,
    meaning:
      "A third-party analysis provider, Plaid or a connect provider refused the partner's stored credentials: an administrator must fix them.",
  },
  provider_out_of_credits: {
    status: 502,
    apis: PARTNER,
    retry: false,
    meaning:
      "A third-party analysis provider refused the analysis for lack of credits on the partner's account with it (HTTP 402).",
  },
  provider_request_refused: {
    status: 502,
    apis: PARTNER,
    retry: false,
    meaning:
      'A third-party analysis provider refused the data submitted (HTTP 400 or 422); its reason is in the detail.',
  },
  analysis_failed: {
    status: 502,
    apis: PARTNER,
    retry: false,
    meaning: 'The provider ended the analysis without a result (its own failure model); nothing was charged.',
  },
  analysis_timeout: {
    status: 504,
    apis: PARTNER,
    retry: true,
    meaning: "The provider's analysis did not finish within its deadline; nothing was charged.",
  },
} as const satisfies Record<string, ErrorCodeInfo>;

/** Every `code` an error response can carry. */
export type ErrorCode = keyof typeof ERROR_CODES;

/** The codes one API's responses can carry. */
export type ErrorCodeOf<A extends Api> = {
  [C in ErrorCode]: A extends (typeof ERROR_CODES)[C]['apis'][number] ? C : never;
}[ErrorCode];

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
    readonly code: ErrorCode,
    readonly errors?: FieldError[],
  ) {
    super(detail);
    this.name = 'ApiError';
  }
}

export const badRequest = (detail: string, errors?: FieldError[], code: ErrorCode = 'validation_error') =>
  new ApiError(400, detail, code, errors);
export const unauthorized = (detail = 'Missing, invalid or disabled API key') =>
  new ApiError(401, detail, 'unauthorized');
export const forbidden = (detail: string, code: ErrorCode) => new ApiError(403, detail, code);
export const notFound = (detail = 'Not found') => new ApiError(404, detail, 'not_found');
export const conflict = (detail: string, code: ErrorCode) => new ApiError(409, detail, code);
export const unprocessable = (detail: string, code: ErrorCode) => new ApiError(422, detail, code);
export const tooManyRequests = (detail: string, code: ErrorCode = 'quota_exhausted') =>
  new ApiError(429, detail, code);
