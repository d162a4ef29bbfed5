import { expect } from 'chai';
import {
  checkUrlForm,
  classifyAddress,
  resolveSafeTarget,
  UnsafeTargetError,
} from '../../../src/lib/ssrf.ts';

const fakeDns = (addresses: string[]) =>
  (() =>
    Promise.resolve(
      addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
    )) as never;

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
    for (const ip of [
      '10.0.0.5',
      '172.20.1.1',
      '192.168.1.10',
      '127.0.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '::1',
      'fd12::1',
      'fe80::1',
      '::ffff:127.0.0.1',
      '100.64.0.1',
    ]) {
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

  it('judges IPv6 forms that carry an IPv4 address by that address, and refuses the other special ranges', async () => {
    // NAT64's well-known prefix: on an IPv6-only network with NAT64 these reach the IPv4 address inside.
    expect(await refused('http://[64:ff9b::a9fe:a9fe]/latest/meta-data', true)).to.equal(true); // 169.254.169.254
    expect(await refused('http://[64:ff9b::7f00:1]/x', true)).to.equal(true); // 127.0.0.1
    expect(await refused('https://hooks.example/x', true, ['64:ff9b::a9fe:a9fe'])).to.equal(true); // the same behind a DNS name (DNS64)
    expect(await refused('https://hooks.example/x', false, ['64:ff9b::5db8:d822'])).to.equal(false); // 93.184.216.34, public
    expect(await refused('https://hooks.example/x', true, ['2002:a9fe:a9fe::1'])).to.equal(true); // 6to4 around 169.254.169.254
    expect(await refused('https://hooks.example/x', false, ['2002:5db8:d822::1'])).to.equal(false); // 6to4 around a public address
    expect(await refused('http://[::ffff:169.254.169.254]/x', true)).to.equal(true); // mapped, which the URL parser writes as ::ffff:a9fe:a9fe
    for (const ip of [
      '::7f00:1',
      '::a9fe:a9fe',
      '2001:0:4136:e378:8000:63bf:3fff:fdd2',
      '64:ff9b:1::a9fe:a9fe',
      '2001:db8::1',
      '100::1',
      '::',
    ]) {
      expect(classifyAddress(ip), ip).to.equal('forbidden'); // IPv4-compatible, Teredo, local-use NAT64, documentation, discard, unspecified
    }
    for (const ip of [
      '192.0.2.1',
      '198.51.100.7',
      '203.0.113.9',
      '192.88.99.1',
      '255.255.255.255',
      '224.0.0.1',
    ])
      expect(classifyAddress(ip), ip).to.equal('forbidden');
    expect(classifyAddress('2606:4700::1111')).to.equal('public');
    expect(classifyAddress('93.184.216.34')).to.equal('public');
    expect(classifyAddress('fd12::1')).to.equal('private');
    expect(classifyAddress('fd00:ec2::254')).to.equal('forbidden'); // AWS metadata over IPv6, inside the private range
    expect(classifyAddress('fd00:ec2:0:0:0:0:0:254')).to.equal('forbidden');
    expect(await refused('https://hooks.example/x', true, ['fd00:ec2::254'])).to.equal(true);
  });

  it('refuses a literal address that no configuration allows as soon as the URL is given; a private one waits for the delivery, where configuration decides', () => {
    for (const u of [
      'http://169.254.169.254/latest/meta-data/',
      'http://[fe80::1]/x',
      'http://[64:ff9b::a9fe:a9fe]/x',
      'http://0.0.0.0/x',
      'http://[::]/x',
    ]) {
      expect(() => checkUrlForm(u), u).to.throw(UnsafeTargetError, /link-local, metadata or reserved/);
    }
    for (const u of [
      'http://127.0.0.1:9/x',
      'http://10.0.0.5/x',
      'https://hooks.bank.example/x',
      'https://93.184.216.34/x',
    ])
      expect(checkUrlForm(u).href, u).to.equal(new URL(u).href);
  });

  it('refuses other schemes and URLs with credentials', async () => {
    expect(await refused('ftp://example.com/x', false, ['93.184.216.34'])).to.equal(true);
    expect(await refused('file:///etc/passwd')).to.equal(true);
    expect(await refused('https://user:pw@example.com/x', false, ['93.184.216.34'])).to.equal(true);
  });
});
