/** Cross-cutting HTTP concerns: request ids, access logs and metrics, browser refusal, and one error shape. */
import { isRecord } from '../lib/narrow.ts';
import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, Request, RequestHandler } from 'express';
import {
  ApiError,
  badRequest,
  forbidden,
  notFound,
  type ErrorCode,
  type ErrorCodeOf,
  type FieldError,
} from '../lib/errors.ts';
import { assertType, type Matches } from '../lib/contract-types.ts';
import type { components as Admin } from '../contract/generated/admin-v1.ts';
import type { components as Partner } from '../contract/generated/partner-v1.ts';
import { stringFailure } from '../contract/input-guards.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';

declare module 'express-serve-static-core' {
  interface Request {
    id: string;
    started: number;
    partnerId?: string;
    /** Requests this server has in progress now (this one included), from arrival to the response's end. */
    inProgress: () => number;
  }
}

const SAFE_ID = /^[A-Za-z0-9._-]{1,64}$/;

export function requestContext(log: Logger, metrics: Metrics): RequestHandler {
  let open = 0;
  const inProgress = () => open;
  return (req, res, next) => {
    open++;
    res.once('close', () => open--);
    req.inProgress = inProgress;
    const incoming = req.get('x-request-id');
    req.id = incoming && SAFE_ID.test(incoming) ? incoming : randomUUID();
    req.started = performance.now();
    res.setHeader('X-Request-Id', req.id);
    res.on('finish', () => {
      const ms = performance.now() - req.started;
      const route = routeOf(req);
      metrics.httpDuration.observe({ method: req.method, route, status: String(res.statusCode) }, ms / 1000);
      const level = res.statusCode >= 500 ? 'error' : 'info';
      log[level](
        {
          req_id: req.id,
          method: req.method,
          route,
          status: res.statusCode,
          ms: Math.round(ms * 10) / 10,
          partner: req.partnerId,
        },
        'request',
      );
    });
    next();
  };
}

/** The matched route pattern (bounded label cardinality), or "unmatched". */
function routeOf(req: Request): string {
  const route: unknown = req.route;
  const r = isRecord(route) && typeof route.path === 'string' ? route.path : undefined;
  return r ? `${req.baseUrl}${r}` : 'unmatched';
}

/** Partner keys are server-side only: a browser request (it carries Origin) is refused. */
export const refuseBrowsers: RequestHandler = (req, _res, next) => {
  if (req.get('origin') !== undefined)
    return next(
      forbidden(
        'Partner API keys are for server-side use only; requests from a browser (with an Origin header) are refused',
        'browser_request_refused',
      ),
    );
  next();
};

export const notFoundHandler: RequestHandler = (_req, _res, next) => next(notFound('No such route'));

// The `code` enum of each spec's error is exactly the codes that API can send (src/lib/errors.ts, ERROR_CODES).
assertType<
  Matches<ErrorCodeOf<'partner'>, NonNullable<Partner['schemas']['Error']['code']>, 'partner Error.code'>
>();
assertType<Matches<ErrorCodeOf<'admin'>, Admin['schemas']['Error']['code'], 'admin Error.code'>>();

export function errorHandler(log: Logger): ErrorRequestHandler {
  return (err, req, res, _next) => {
    let e: ApiError;
    const type = isRecord(err) ? err.type : undefined;
    const status = isRecord(err) ? err.status : undefined;
    if (err instanceof ApiError) e = err;
    else if (type === 'entity.parse.failed')
      e = new ApiError(400, 'Malformed JSON in request body', 'malformed_json');
    else if (type === 'entity.too.large') e = new ApiError(413, 'Request body too large', 'body_too_large');
    else if (type === 'encoding.unsupported' || type === 'charset.unsupported')
      e = new ApiError(415, 'Unsupported body encoding', 'unsupported_encoding');
    else if (typeof status === 'number' && status >= 400 && status < 500) {
      e = new ApiError(status, 'Bad request', 'bad_request');
    } else {
      log.error(
        {
          req_id: req.id,
          err: {
            message: isRecord(err) ? err.message : undefined,
            stack: isRecord(err) ? err.stack : undefined,
          },
        },
        'unhandled error',
      );
      e = new ApiError(
        500,
        'Internal error — try again. Persistent 500s should be escalated with the X-Request-Id.',
        'internal_error',
      );
    }
    if (res.headersSent) return;
    const body: { detail: string; code: ErrorCode; errors?: FieldError[] } = {
      detail: e.detail,
      code: e.code,
    };
    if (e.errors) body.errors = e.errors;
    res.status(e.status).json(body);
  };
}

/** Requires a JSON body on write routes (415 otherwise), before the parser runs. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (req.method === 'POST' || req.method === 'PUT') {
    const len = Number(req.get('content-length') ?? 0);
    const chunked = req.get('transfer-encoding') !== undefined;
    if ((len > 0 || chunked) && !req.is('application/json'))
      return next(new ApiError(415, 'Content-Type must be application/json', 'unsupported_media_type'));
  }
  next();
};

/** A body read as bytes is decoded as UTF-8 (RFC 8259); any other declared charset is refused (415). */
export const requireUtf8: RequestHandler = (req, _res, next) => {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(req.get('content-type') ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8')
    return next(
      new ApiError(415, `Unsupported charset "${charset}": send UTF-8 JSON`, 'unsupported_encoding'),
    );
  next();
};

/** The limit of JSON bodies parsed on the event loop (every route but `/assess`, whose body goes to a worker). */
export const JSON_BODY_LIMIT = '100kb';

/** A parsed JSON body with an ill-formed or control-character string is refused (400 naming the field). */
export const refuseBadStrings: RequestHandler = (req, _res, next) => {
  const bad = req.body === undefined ? undefined : stringFailure(req.body);
  if (bad) return next(badRequest(`Invalid string: ${bad.path}: ${bad.message}`, [bad], 'invalid_string'));
  next();
};
