import { expect } from 'chai';
import { resolveSafeTarget, UnsafeTargetError } from '../../../src/lib/ssrf.ts';

const fakeDns = (addresses: string[]) => (async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }))) as never;

describe('SSRF guard', () => {
  const refused = async (url: string, allowPrivate = false, dns?: string[]) => {
    try {
      await resolveSafeTarget(url, allowPrivate, dns ? fakeDns(dns) : undefined);
      return false;
    } catch (e) {
      return e instanceof UnsafeTargetError;
    }
  };

  it('accepts a public https address and pins it', async () => {
    const t = await resolveSafeTarget('https://hooks.bank.example/veqtrx', false, fakeDns(['93.184.216.34']));
    expect(t).to.include({ address: '93.184.216.34', family: 4 });
  });

  it('refuses private, loopback, link-local and metadata addresses, also behind a DNS name', async () => {
    for (const ip of ['10.0.0.5', '172.20.1.1', '192.168.1.10', '127.0.0.1', '169.254.169.254', '0.0.0.0', '::1', 'fd12::1', 'fe80::1', '::ffff:127.0.0.1', '100.64.0.1']) {
      expect(await refused('https://hooks.example/x', false, [ip]), ip).to.equal(true);
    }
    expect(await refused('http://127.0.0.1:8080/x')).to.equal(true);
    expect(await refused('http://[::1]/x')).to.equal(true);
  });

  it('refuses a host with one public and one private address', async () => {
    expect(await refused('https://mixed.example/x', false, ['93.184.216.34', '10.1.1.1'])).to.equal(true);
  });

  it('allows private and loopback only when configured, and metadata never', async () => {
    expect(await refused('http://127.0.0.1:9/x', true)).to.equal(false);
    expect(await refused('http://169.254.169.254/latest/meta-data', true)).to.equal(true);
  });

  it('refuses other schemes and URLs with credentials', async () => {
    expect(await refused('ftp://example.com/x', false, ['93.184.216.34'])).to.equal(true);
    expect(await refused('file:///etc/passwd')).to.equal(true);
    expect(await refused('https://user:pw@example.com/x', false, ['93.184.216.34'])).to.equal(true);
  });
});
