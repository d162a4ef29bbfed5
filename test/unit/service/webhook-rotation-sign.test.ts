/**
 * Standard Webhooks keying as the official libraries do it, and the two signatures sent during a
 * secret-rotation window — checked against an implementation independent of ours (Python's hmac and
 * base64, following the official Python library's key derivation).
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import {
  signatureHeaders,
  standardKey,
  standardSignature,
  verifyStandard,
  verifyVeqtrx,
} from '../../../src/webhooks/sign.ts';

/** The official Python library's derivation: strip whsec_ if present, then b64decode(secret + "=="). */
const PY = `
import base64, hashlib, hmac, sys
secret, msg_id, ts, body = sys.argv[1:5]
if secret.startswith("whsec_"):
    secret = secret[len("whsec_"):]
key = base64.b64decode(secret + "==")
print("v1," + base64.b64encode(hmac.new(key, f"{msg_id}.{ts}.{body}".encode(), hashlib.sha256).digest()).decode())
`;
const python = (secret: string, id: string, ts: number, body: string) =>
  execFileSync('python3', ['-c', PY, secret, id, String(ts), body], { encoding: 'utf8' }).trim();

const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  ts: 1614265330,
  body: '{"test": 2432232314}',
  sig: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

describe('Standard Webhooks secret keying (as the official libraries)', () => {
  it('base64-decodes a secret without the whsec_ prefix, exactly as with it', () => {
    const bare = VECTOR.secret.slice('whsec_'.length);
    expect(standardSignature(bare, VECTOR.id, VECTOR.ts, VECTOR.body)).to.equal(VECTOR.sig);
    expect(standardKey(bare)).to.deep.equal(standardKey(VECTOR.secret));
    expect(python(bare, VECTOR.id, VECTOR.ts, VECTOR.body)).to.equal(VECTOR.sig);
  });

  it('agrees with the Python derivation on padded and unpadded secrets', () => {
    for (const secret of [
      'whsec_NxfCR2AeGQR81wvaY986knwBGT8Fio6EvGDf6DNNXc0=',
      'NxfCR2AeGQR81wvaY986knwBGT8Fio6EvGDf6DNNXc0',
      'whsec_c2VjcmV0',
    ]) {
      expect(standardSignature(secret, 'whd_1', 1700000000, '{"a":1}'), secret).to.equal(
        python(secret, 'whd_1', 1700000000, '{"a":1}'),
      );
    }
  });

  it('refuses a secret that is not base64 instead of keying it some other way', () => {
    for (const bad of ['not base64!', 'whsec_', '', 'whsec_a']) {
      expect(() => standardKey(bad), JSON.stringify(bad)).to.throw(/base64|empty/);
    }
  });
});

/** README's "during a rotation window" Python recipe, run by Python itself (body and headers as JSON on stdin). */
const PY_WINDOW = `
import hmac, hashlib, json, sys, time

def verify_in_window(webhook_secret: str, raw_body: bytes, headers) -> bool:
    expected = "sha256=" + hmac.new(webhook_secret.encode(), raw_body, hashlib.sha256).hexdigest()
    fresh = abs(time.time() - int(headers["X-Veqtrx-Timestamp"])) <= 300
    given = [headers.get("X-Veqtrx-Signature", ""), headers.get("X-Veqtrx-Signature-Previous", "")]
    matches = [hmac.compare_digest(expected, g) for g in given]
    return fresh and any(matches)

d = json.load(sys.stdin)
print("valid" if verify_in_window(d["secret"], d["body"].encode(), d["headers"]) else "invalid")
`;

describe('signatures during a secret-rotation window', () => {
  it("README's Python recipe for the window accepts either secret and rejects any other", () => {
    const oldS = 'whsec_NxfCR2AeGQR81wvaY986knwBGT8Fio6EvGDf6DNNXc0=';
    const newS = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    const body = '{"assessment_id":"AF-A3F9B2C1D4E5"}';
    const headers = signatureHeaders(newS, 'whd_1', body, new Date(), oldS);
    const run = (secret: string) =>
      execFileSync('python3', ['-c', PY_WINDOW], {
        input: JSON.stringify({ secret, body, headers }),
        encoding: 'utf8',
      }).trim();
    expect(run(newS)).to.equal('valid');
    expect(run(oldS)).to.equal('valid');
    expect(run('whsec_c2VjcmV0')).to.equal('invalid');
  });

  const now = new Date('2026-05-13T12:34:56Z');
  const ts = String(Math.floor(now.getTime() / 1000));
  const oldSecret = 'whsec_NxfCR2AeGQR81wvaY986knwBGT8Fio6EvGDf6DNNXc0=';
  const newSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const body = '{"assessment_id":"AF-A3F9B2C1D4E5"}';

  it('sends one signature of each kind outside a window', () => {
    const h = signatureHeaders(newSecret, 'whd_1', body, now);
    expect(h['webhook-signature']!.split(' ')).to.have.length(1);
    expect(h).to.not.have.property('X-Veqtrx-Signature-Previous');
  });

  it("sends both secrets' signatures side by side, and a receiver holding either one verifies", () => {
    const h = signatureHeaders(newSecret, 'whd_1', body, now, oldSecret);
    const entries = h['webhook-signature']!.split(' ');
    expect(entries).to.deep.equal([
      python(newSecret, 'whd_1', Number(ts), body),
      python(oldSecret, 'whd_1', Number(ts), body),
    ]);
    for (const secret of [newSecret, oldSecret]) {
      expect(verifyStandard(secret, body, 'whd_1', ts, h['webhook-signature'], now), secret).to.equal(true);
      expect(
        verifyVeqtrx(secret, body, [h['X-Veqtrx-Signature'], h['X-Veqtrx-Signature-Previous']], ts, now),
        secret,
      ).to.equal(true);
    }
    // The contract's single-valued header stays the new secret's; the old one is in its own header.
    expect(verifyVeqtrx(newSecret, body, h['X-Veqtrx-Signature'], ts, now)).to.equal(true);
    expect(verifyVeqtrx(oldSecret, body, h['X-Veqtrx-Signature-Previous'], ts, now)).to.equal(true);
    expect(verifyStandard('whsec_c2VjcmV0', body, 'whd_1', ts, h['webhook-signature'], now)).to.equal(false);
  });
});
