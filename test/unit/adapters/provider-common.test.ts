import { expect } from 'chai';
import {
  isProviderUrl,
  MAX_BASE_URL_LENGTH,
  isProviderBaseUrl,
  providerBaseUrl,
} from '../../../adapters/provider-common.ts';

describe('the provider base URL rule (adapters/provider-common.ts)', () => {
  it('takes https anywhere, and plain http only on localhost, 127.0.0.0/8 and [::1]', () => {
    for (const ok of [
      'https://api.example.com',
      'https://api.example.com:8443/base/',
      'http://localhost:8092',
      'http://LOCALHOST:8092/',
      'http://127.0.0.1:8093',
      'http://127.1:8093', // read as 127.0.0.1
      'http://127.45.6.7',
      'http://[::1]:8091',
      'http://[0:0:0:0:0:0:0:1]:8091', // written [::1]
    ])
      expect(isProviderBaseUrl(ok), ok).to.equal(true);
    for (const bad of [
      'http://api.example.com',
      'http://10.0.0.5/',
      'http://128.0.0.1',
      'http://localhost.example.com',
      'http://app.localhost',
      'http://[::ffff:127.0.0.1]/',
      'ftp://127.0.0.1',
      'file:///etc/passwd',
    ])
      expect(isProviderBaseUrl(bad), bad).to.equal(false);
  });

  it('refuses credentials, a query, a fragment, white space, and what is not a URL, without throwing', () => {
    for (const bad of [
      'https://user:pw@api.example.com',
      'https://user@api.example.com',
      'https://api.example.com/?x=1',
      'https://api.example.com/?',
      'https://api.example.com/#top',
      'https://api.example.com/#',
      'https://api.exa mple.com',
      'https://api.example.com/a\nb',
      ' https://api.example.com',
      'api.example.com',
      '',
    ])
      expect(isProviderBaseUrl(bad), JSON.stringify(bad)).to.equal(false);
  });

  it('as a schema: trims surrounding white space, and takes at most 500 characters', () => {
    expect(providerBaseUrl.parse('  https://api.example.com/v1 ')).to.equal('https://api.example.com/v1');
    const long = `https://api.example.com/${'a'.repeat(MAX_BASE_URL_LENGTH)}`;
    expect(isProviderBaseUrl(long)).to.equal(true);
    expect(providerBaseUrl.safeParse(long).success).to.equal(false);
    const refused = providerBaseUrl.safeParse('http://api.example.com');
    expect(refused.success).to.equal(false);
    expect(refused.error?.issues[0]?.message).to.match(/https/);
  });

  it('a completion URL (isProviderUrl) may carry a query and a fragment; the rest of the rule holds', () => {
    expect(isProviderUrl('http://127.0.0.1:9/portal/connect/done?portal_session=ps-1')).to.equal(true);
    expect(isProviderUrl('https://bank.example.com/back#done')).to.equal(true);
    expect(isProviderUrl('http://bank.example.com/back?x=1')).to.equal(false);
    expect(isProviderUrl('https://user:pw@bank.example.com/back')).to.equal(false);
    expect(isProviderUrl('javascript:alert(1)')).to.equal(false);
    expect(isProviderUrl('nope')).to.equal(false);
  });
});
