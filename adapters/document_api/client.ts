/**
 * The document API over HTTP, and nothing else (no mapping): `POST /api/v1/assess` and the job's poll
 * URL, each one call through `ProviderHttp` (the provider's limiter, the per-call timeout, no redirects;
 * 429, 5xx, timeouts and network errors → `ProviderUnavailable` with the provider's `Retry-After`). Every
 * other answer is read here: a 2xx body must be what the spec describes (else `provider_bad_response`),
 * a refusal becomes the `SourceError` that ends the analysis at no charge:
 *
 * | status | code |
 * |---|---|
 * | 400, 409, 422 | `provider_request_refused` (the provider's reason quoted) |
 * | 401, 403 | `provider_credentials_refused` |
 * | 402 | `provider_out_of_credits` |
 * | 404 on the poll URL | `provider_request_refused` (no such job for this key) |
 * | anything else | `provider_bad_response` |
 *
 * The API key goes in the `Authorization` header only; no message quotes it (the provider's own words
 * are quoted with it blanked out, in case it echoes the header).
 */
import type { AxiosResponse } from 'axios';
import { isRecord } from '../../src/lib/narrow.ts';
import { ProviderHttp, retryAfterMs } from '../provider-http.ts';
import type { ProviderRuntime } from '../runtime.ts';
import { SourceError } from '../source.ts';
import type { components } from './generated.ts';
import {
  DOCUMENT_API_PROVIDER,
  WireJob,
  WireSubmitResponse,
  quote,
  type Job,
  type SubmitResponse,
} from './map.ts';

export type AssessRequest = components['schemas']['AssessRequest'];

export interface DocumentApiCredentials {
  /** `ckiq_live_…`: sent as `Authorization: Bearer <api_key>`. */
  api_key: string;
  /** `https://oqui.io`, or another base URL (http only on a loopback address: a simulator). */
  base_url: string;
  /** The secret the provider signs its webhooks with, when the partner stored one. */
  webhook_secret?: string | undefined;
}

export const SUBMIT_PATH = '/api/v1/assess';

/** The documented poll path of a job (`poll_url` in the submission's answer). */
export const jobPath = (jobId: string) => `${SUBMIT_PATH}/${encodeURIComponent(jobId)}`;

/**
 * The path to poll: the provider's `poll_url` when it is a path on the API's host, else the documented
 * one. An absolute URL (or a protocol-relative `//host/…`) is never followed: the API key would go to
 * whatever host it names.
 */
export function pollPathOf(pollUrl: string | undefined, jobId: string): string {
  if (pollUrl && /^\/(?![/\\])[\x21-\x7E]*$/.test(pollUrl) && !pollUrl.includes('\\')) return pollUrl;
  return jobPath(jobId);
}

/** `120-300s`, `45s`, `2-5 minutes` → the lower bound in ms; undefined when unreadable. */
export function estimateMs(estimate: string | null | undefined): number | undefined {
  const m =
    /^\s*(\d+(?:\.\d+)?)\s*(?:-\s*\d+(?:\.\d+)?\s*)?(s|sec|secs|seconds?|m|min|mins|minutes?)?\s*$/i.exec(
      estimate ?? '',
    );
  if (!m?.[1]) return undefined;
  const n = Number(m[1]);
  return /^m/i.test(m[2] ?? '') ? n * 60_000 : n * 1000;
}

export class DocumentApiClient {
  private readonly http: ProviderHttp;

  constructor(
    private readonly creds: DocumentApiCredentials,
    runtime: ProviderRuntime,
  ) {
    this.http = new ProviderHttp(
      { id: 'document_api', name: DOCUMENT_API_PROVIDER.name },
      creds.base_url,
      runtime,
    );
  }

  /** Calls sent (tests read it). */
  get calls(): number {
    return this.http.calls;
  }

  /** `POST /api/v1/assess`, with `Idempotency-Key` (see index.ts on what that key does and does not protect). */
  async submit(body: AssessRequest, idempotencyKey: string): Promise<SubmitResponse> {
    const what = 'the submission of the documents';
    const res = await this.http.call(what, {
      method: 'POST',
      url: SUBMIT_PATH,
      allowAbsoluteUrls: false,
      data: body,
      headers: {
        authorization: `Bearer ${this.creds.api_key}`,
        'content-type': 'application/json',
        'idempotency-key': idempotencyKey,
      },
      // A statement upload is large; the body is sent once, as it is.
      maxBodyLength: Infinity,
      maxContentLength: 16 * 1024 * 1024,
    });
    if (res.status < 200 || res.status > 299) throw this.refused(what, res);
    const parsed = WireSubmitResponse.safeParse(res.data);
    if (!parsed.success) throw this.malformed(what);
    return parsed.data;
  }

  /**
   * GET the job at `path` (a path on the API's host). Returns the job and, while it is processing, when
   * to look again (the provider's `Retry-After`, else its estimate).
   */
  async job(path: string, jobId: string): Promise<{ job: Job; retryAfterMs?: number }> {
    const what = 'the assessment status';
    const res = await this.http.call(what, {
      method: 'GET',
      url: path,
      allowAbsoluteUrls: false,
      headers: { authorization: `Bearer ${this.creds.api_key}` },
      // A completed job carries every statement row; bounded all the same.
      maxContentLength: 64 * 1024 * 1024,
    });
    if (res.status === 404)
      throw new SourceError(
        502,
        `The document API has no job "${quote(jobId, 100)}" for this partner's API key (HTTP 404): check the job_id, and that the job was started with the account whose key is stored`,
        'provider_request_refused',
      );
    if (res.status !== 200) throw this.refused(what, res);
    const parsed = WireJob.safeParse(res.data);
    if (!parsed.success) throw this.malformed(what);
    const job = parsed.data;
    if (job.job_id !== jobId)
      throw new SourceError(
        502,
        `The document API answered about another job than the one asked for; this is the document API's answer, not your request: retry later, and tell support if it persists`,
        'provider_bad_response',
      );
    const after = retryAfterMs(res.headers['retry-after'], Date.now()) ?? estimateMs(job.estimated_time);
    return after === undefined ? { job } : { job, retryAfterMs: after };
  }

  /** A 2xx body that is not what the API describes. */
  private malformed(what: string): SourceError {
    return new SourceError(
      502,
      `The document API returned a malformed answer for ${what}; this is the document API's answer, not your request: retry later, and tell support if it persists`,
      'provider_bad_response',
    );
  }

  /** A non-2xx answer that trying again cannot fix (429 and 5xx never get here: ProviderHttp threw). */
  private refused(what: string, res: AxiosResponse): SourceError {
    const said = this.reasonOf(res.data);
    const quoted = said ? `: "${said}"` : '';
    switch (res.status) {
      case 400:
      case 409:
      case 422:
        return new SourceError(
          502,
          `The document API refused ${what} (HTTP ${res.status})${quoted}; correct the documents or fields it names and submit again`,
          'provider_request_refused',
        );
      case 401:
      case 403:
        return new SourceError(
          502,
          `The document API refused this partner's API key (HTTP ${res.status}); an administrator must store a valid key (PUT /api/admin/partners/{id}/providers/document_api)`,
          'provider_credentials_refused',
        );
      case 402:
        return new SourceError(
          502,
          `The document API refused ${what} for lack of credits on the partner's account with it (HTTP 402): buy credits with the document API, then submit again${quoted}`,
          'provider_out_of_credits',
        );
      default:
        return new SourceError(
          502,
          `The document API answered HTTP ${res.status} for ${what}; retry later, and tell support if it persists`,
          'provider_bad_response',
        );
    }
  }

  /** The provider's reason from an error body (`message`, `error`, `details[].message`), quoted, the key blanked. */
  private reasonOf(body: unknown): string | undefined {
    if (!isRecord(body)) return undefined;
    const parts: string[] = [];
    if (typeof body.message === 'string') parts.push(body.message);
    else if (typeof body.error === 'string') parts.push(body.error);
    if (Array.isArray(body.details))
      for (const d of body.details.slice(0, 5)) {
        if (!isRecord(d) || typeof d.message !== 'string') continue;
        parts.push(typeof d.field === 'string' ? `${d.field}: ${d.message}` : d.message);
      }
    if (parts.length === 0) return undefined;
    // The stored key, and anything shaped like one of the provider's keys, never reach a message.
    const text = parts.join('; ').split(this.creds.api_key).join('[api key]');
    return quote(text.replace(/ckiq_[A-Za-z0-9_-]+/g, '[api key]'), 300);
  }
}
