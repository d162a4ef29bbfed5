/** Prefixed, typed identifiers (AF- for assessments as Veqtrx shows; key_, whd_ …). */
import { randomBytes } from 'node:crypto';

/** `AF-` + 12 upper-case hex characters, as in the Veqtrx sample (`AF-A3F9B2C1D4E5`). */
export const assessmentId = () => `AF-${randomBytes(6).toString('hex').toUpperCase()}`;
export const keyId = () => `key_${randomBytes(8).toString('hex')}`;
export const deliveryId = () => `whd_${randomBytes(12).toString('hex')}`;

/** The secret part of an API key: 32 base62 characters (~190 bits). */
export function randomToken(length = 32): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const out: string[] = [];
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out.push(alphabet.charAt(b % 62)); // 248 = 4 × 62: no modulo bias
    }
  }
  return out.join('');
}

export const ASSESSMENT_ID = /^AF-[0-9A-F]{12}$/;
export const DELIVERY_ID = /^whd_[0-9a-f]{24}$/;

/** A document job (`POST /assess/documents`): `job_` + 24 lower-case hex characters. */
export const documentJobId = () => `job_${randomBytes(12).toString('hex')}`;
export const DOCUMENT_JOB_ID = /^job_[0-9a-f]{24}$/;
