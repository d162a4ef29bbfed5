/** Prometheus metrics, one registry per app (so tests and replicas never share counters by accident). */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly assessments = new Counter({
    name: 'assessments_total',
    help: 'Assessments by source and outcome',
    labelNames: ['source', 'outcome'] as const,
    registers: [this.registry],
  });
  readonly quotaRefusals = new Counter({
    name: 'quota_refusals_total',
    help: 'Assessments refused because the monthly quota was exhausted',
    registers: [this.registry],
  });
  readonly webhookAttempts = new Counter({
    name: 'webhook_attempts_total',
    help: 'Webhook delivery attempts by outcome',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  readonly providerCalls = new Histogram({
    name: 'provider_request_duration_seconds',
    help: 'Calls to providers (ValidiFI, …) by provider and outcome (2xx, 4xx, 429, 5xx, timeout, error), retries included',
    labelNames: ['provider', 'outcome'] as const,
    buckets: [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly analysisDuration = new Histogram({
    name: 'analysis_duration_seconds',
    help: 'Third-party analyses from submission to their end, by provider and outcome (completed, failed)',
    labelNames: ['provider', 'outcome'] as const,
    buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800],
    registers: [this.registry],
  });

  constructor(defaults = false) {
    if (defaults) collectDefaultMetrics({ register: this.registry });
  }
}
