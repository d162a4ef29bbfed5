import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  signatureHeaders,
  standardSignature,
  veqtrxSignature,
  verifyStandard,
  verifyVeqtrx,
} from '../../../src/webhooks/sign.ts';

/** The Veqtrx page's Python recipe, run by Python itself: an implementation independent of ours. */
const PY = `
import hmac, hashlib, sys
secret, body_path, header = sys.argv[1], sys.argv[2], sys.argv[3]
raw_request_body = open(body_path, 'rb').read()
expected = "sha256=" + hmac.new(secret.encode(), raw_request_body, hashlib.sha256).hexdigest()
print("valid" if hmac.compare_digest(expected, header) else "invalid")
`;

describe('webhook signatures', () => {
  it('reproduces the Standard Webhooks published test vector', () => {
    expect(
      standardSignature(
        'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
        'msg_p5jXN8AQM9LWM0D4loKWxJek',
        1614265330,
        '{"test": 2432232314}',
      ),
    ).to.equal('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it("signs the exact body so that the Veqtrx page's Python recipe verifies it (and rejects a re-serialised body)", () => {
    const dir = mkdtempSync(join(tmpdir(), 'sig-'));
    const secret = 'whsec_NxfCR2AeGQR81wvaY986knwBGT8Fio6EvGDf6DNNXc0=';
    const body =
      '{"assessment_id":"AF-A3F9B2C1D4E5","monthly_income":2200.5,"categories":{"Food & Housekeeping":540}}';
    writeFileSync(join(dir, 'body'), body);
    writeFileSync(join(dir, 'respaced'), JSON.stringify(JSON.parse(body), null, 1));
    const sig = signatureHeaders(secret, 'whd_1', body, new Date())['X-Veqtrx-Signature']!;
    expect(sig).to.match(/^sha256=[0-9a-f]{64}$/);
    const run = (file: string) =>
      execFileSync('python3', ['-c', PY, secret, join(dir, file), sig], { encoding: 'utf8' }).trim();
    expect(run('body')).to.equal('valid');
    expect(run('respaced')).to.equal('invalid');
  });

  it('sends the Veqtrx headers exactly, beside the Standard Webhooks ones', () => {
    const h = signatureHeaders('whsec_abc=', 'whd_1', '{}', new Date('2026-05-13T12:34:56Z'));
    expect(h).to.include({
      'Content-Type': 'application/json',
      'User-Agent': 'Veqtrx-Webhooks/1.0',
      'X-Veqtrx-Timestamp': '1778675696',
      'webhook-id': 'whd_1',
      'webhook-timestamp': '1778675696',
    });
    expect(h['webhook-signature']).to.match(/^v1,[A-Za-z0-9+/]+=*$/);
  });

  it('verifies within the 5-minute tolerance and rejects stale, tampered or missing signatures', () => {
    const now = new Date('2026-05-13T12:34:56Z');
    const ts = String(Math.floor(now.getTime() / 1000));
    const sig = veqtrxSignature('s3cret', 'body');
    expect(verifyVeqtrx('s3cret', 'body', sig, ts, now)).to.equal(true);
    expect(verifyVeqtrx('s3cret', 'body!', sig, ts, now)).to.equal(false);
    expect(verifyVeqtrx('other', 'body', sig, ts, now)).to.equal(false);
    expect(verifyVeqtrx('s3cret', 'body', sig, ts, new Date(now.getTime() + 301_000))).to.equal(false);
    expect(verifyVeqtrx('s3cret', 'body', undefined, ts, now)).to.equal(false);
    const std = standardSignature('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'id1', Number(ts), 'b');
    expect(
      verifyStandard('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'b', 'id1', ts, `v1,bogus ${std}`, now),
    ).to.equal(true);
    expect(verifyStandard('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'b', 'id2', ts, std, now)).to.equal(
      false,
    );
  });
});
