/**
 * The layers, enforced in CI (`npm run lint:deps`): every import points down, and nothing is circular.
 *
 *   composition   src/main.ts, src/gateway.ts, src/app.ts, src/cli/   (wire everything together)
 *   http          src/http/                                            (routes, middleware: services only)
 *   services      src/services/
 *   domain        src/engine/, src/store/, src/webhooks/, src/jobs/, src/workers/, src/contract/, adapters/
 *   base          src/model/, src/lib/
 *
 * http may also read the wire contract (src/contract/) it serves; nothing else below services.
 */
const DOMAIN = '^(src/(engine|store|webhooks|jobs|workers|contract)/|adapters/)';
const COMPOSITION = '^src/(main|gateway|app)[.]ts$|^src/cli/';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one; break it by moving what both need down a layer.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'base-imports-base-only',
      severity: 'error',
      comment: 'src/model and src/lib are the base: they import nothing of the gateway above them.',
      from: { path: '^src/(model|lib)/' },
      to: { path: `${DOMAIN}|^src/(services|http)/|${COMPOSITION}` },
    },
    {
      name: 'domain-points-down',
      severity: 'error',
      comment:
        'The engine, stores, webhooks, jobs, workers, contract and adapters never reach up into services, http or the composition root.',
      from: { path: DOMAIN },
      to: { path: `^src/(services|http)/|${COMPOSITION}` },
    },
    {
      name: 'services-point-down',
      severity: 'error',
      comment: 'Services never import routes or the composition root.',
      from: { path: '^src/services/' },
      to: { path: `^src/http/|${COMPOSITION}` },
    },
    {
      name: 'routes-use-services',
      severity: 'error',
      comment:
        'Routes reach storage, jobs, webhooks, workers, the engine and adapters only through services.',
      from: { path: '^src/http/' },
      to: { path: '^(src/(engine|store|webhooks|jobs|workers)/|adapters/)' },
    },
    {
      name: 'no-composition-imports',
      severity: 'error',
      comment: 'Only the entry points import the composition root.',
      from: { pathNot: `${COMPOSITION}|^(test|bench|tools)/` },
      to: { path: COMPOSITION },
    },
  ],
  options: {
    includeOnly: '^(src|adapters)/',
    exclude: { path: '/generated/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
