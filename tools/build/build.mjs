#!/usr/bin/env node
/**
 * Compiles the gateway to JavaScript in dist/, so that it runs on plain Node, without tsx (a dev
 * dependency) and without compiling at every start:
 *
 *   node tools/build/build.mjs              `npm run build`: compile src/ and adapters/ with tsc
 *                                           (tsconfig.build.json: types stripped, no type check — that is
 *                                           `npm run typecheck`), copy the files read at run time (the SQL
 *                                           migrations, openapi/), and stamp dist/ with a hash of its inputs
 *   node tools/build/build.mjs --if-stale   `prestart`, `preadmin`: the same only when dist/ was not built
 *                                           from these sources (the stamp's hash differs); about 0.1 s when
 *                                           it is current
 *
 * Plain JavaScript on purpose: it runs before any compiled code exists, and in a production install
 * (`npm ci --omit=dev`), where neither tsx nor TypeScript is installed. There a current dist/ starts as
 * it is; a missing or stale one stops the start with a message saying how to build it (README,
 * "Production install").
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'BUILD_INPUTS_SHA256');
/** What the compiled code is made from: tsc's inputs, the files copied beside it, and how it is built. */
const INPUT_DIRS = ['src', 'adapters', 'openapi'];
const INPUT_FILES = ['tsconfig.json', 'tsconfig.build.json', 'tools/build/build.mjs'];
/** Read at run time next to the compiled code (relative to the module that reads them), so copied into dist/. */
const ASSETS = [
  ['src/store/migrations', (f) => f.endsWith('.sql')],
  ['openapi', (f) => f.endsWith('.yaml')],
  // The HTML pages' templates and stylesheet (src/http/html.ts).
  ['src/http/views', (f) => f.endsWith('.eta')],
  ['src/http/assets', (f) => f.endsWith('.css')],
  // The document readers' worker-thread entry (plain JavaScript; it loads read.js, compiled beside it).
  ['adapters/documents', (f) => f.endsWith('worker-entry.mjs')],
];

function filesUnder(dir) {
  const out = [];
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const rel = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(rel));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/** A hash of every input's path and content (content, not mtime: a checkout or a copy changes mtimes, not code). */
function inputsHash() {
  const h = createHash('sha256');
  const files = [...INPUT_DIRS.flatMap(filesUnder), ...INPUT_FILES].sort();
  for (const f of files) {
    h.update(`${f}\0`);
    h.update(readFileSync(join(ROOT, f)));
    h.update('\0');
  }
  return h.digest('hex');
}

function fail(message) {
  console.error(`veqtrx-gateway build: ${message}`);
  process.exit(1);
}

function build(hash) {
  let tsc;
  try {
    tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    fail(
      existsSync(STAMP)
        ? 'dist/ was built from other sources than these, and TypeScript (a dev dependency) is not installed to build it again. ' +
            'Build where dev dependencies are installed (npm ci && npm run build), then deploy dist/ with them omitted (README, "Production install").'
        : 'dist/ is missing and TypeScript (a dev dependency) is not installed to build it. ' +
            'Build where dev dependencies are installed (npm ci && npm run build), then install with them omitted (README, "Production install").',
    );
  }
  const t0 = performance.now();
  rmSync(DIST, { recursive: true, force: true });
  const r = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json')], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  if (r.status !== 0) fail(`tsc failed (status ${r.status ?? r.signal})`);
  for (const [dir, keep] of ASSETS) {
    cpSync(join(ROOT, dir), join(DIST, dir), {
      recursive: true,
      filter: (src) => statSync(src).isDirectory() || keep(src),
    });
  }
  mkdirSync(dirname(STAMP), { recursive: true });
  writeFileSync(STAMP, `${hash}\n`);
  console.error(
    `veqtrx-gateway build: compiled src/ and adapters/ into ${relative(process.cwd(), DIST) || 'dist'}/ in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
}

const ifStale = process.argv.includes('--if-stale');
if (!existsSync(join(ROOT, 'src'))) {
  // A deployment of dist/ without the sources: nothing to compare with, nothing to build from.
  if (existsSync(join(DIST, 'src/main.js'))) process.exit(0);
  fail('neither src/ nor dist/ is here');
}
const hash = inputsHash();
if (ifStale && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === hash) process.exit(0);
build(hash);
