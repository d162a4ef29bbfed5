import { expect } from 'chai';
import { covered, documented, withBody } from '../helpers/contract.ts';

/**
 * Runs last (file order): every operation in openapi/ must have been called by the suite with its
 * success status, and every documented status of /assess must have been seen, so no route goes untested.
 */
describe('contract coverage', () => {
  it("exercised every documented operation's success response, and every /assess status", function () {
    if (covered.size === 0) this.skip(); // a partial run (one file) exercises nothing to check
    const success = [...documented].filter((k) => / 20\d$/.test(k));
    const missing = success.filter((k) => !covered.has(k));
    expect(missing, 'operations never called successfully').to.deep.equal([]);
    const assess = [...documented].filter((k) => k.startsWith('partner POST /assess '));
    expect(
      assess.filter((k) => !covered.has(k)),
      '/assess statuses never seen',
    ).to.deep.equal([]);
  });

  it('exercised every documented 401 and 403 (the security matrix sends every operation each bad credential and a browser Origin)', function () {
    if (covered.size === 0) this.skip();
    const refusals = [...documented].filter((k) => / 40[13]$/.test(k));
    expect(
      refusals.filter((k) => !covered.has(k)),
      'refusals never seen: see test/component/security-matrix.test.ts',
    ).to.deep.equal([]);
  });

  it('exercised each admin operation that takes a body with the body refusals it documents (400 invalid_string, 413, 415)', function () {
    if (covered.size === 0) this.skip();
    const refusals = [...withBody]
      .filter((op) => op.startsWith('admin '))
      .flatMap((op) => [
        `${op} 400 invalid_string`,
        `${op} 413 body_too_large`,
        `${op} 415 unsupported_media_type`,
      ]);
    expect(
      refusals.filter((k) => !covered.has(k)),
      'body refusals never seen: see test/component/admin-body-refusals.test.ts',
    ).to.deep.equal([]);
  });
});
