/**
 * Worker-thread entry: runs the pure engine and packs the evidence (JSON + gzip + base64), so the CPU of
 * an assessment is spent off the event loop that serves HTTP and the embedded database.
 * Errors come back as values (a cloned Error loses its fields).
 */
import { gzipSync, constants } from 'node:zlib';
import { assess, EngineInputError } from '../engine/index.ts';
import type { AssessJob, AssessJobResult } from '../services/assessor.ts';

export default function run(job: AssessJob): AssessJobResult {
  try {
    const { assessment, evidence } = assess({ ...job, now: new Date(job.now) });
    const evidenceGz = gzipSync(JSON.stringify(evidence), { level: constants.Z_BEST_SPEED }).toString('base64');
    return { ok: true, assessment, evidenceGz };
  } catch (e) {
    if (e instanceof EngineInputError) return { ok: false, code: e.code, message: e.message };
    return { ok: false, code: 'engine_failure', message: (e as Error).message };
  }
}
