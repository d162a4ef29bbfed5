import { expect } from 'chai';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcrypt';
import { ConfigError, loadConfig } from '../../../src/config.ts';
import { SecretBox } from '../../../src/lib/secrets.ts';
import { KeyVerifier } from '../../../src/services/keys.ts';
import type { Db } from '../../../src/store/db.ts';
import { mintAdminToken, verifyAdminToken } from '../../../src/services/admin-token.ts';
import { SignJWT } from 'jose';

describe('configuration', () => {
  it('generates local secrets once, mode 0600, outside production', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const a = loadConfig({ DATA_DIR: dir });
    expect(a.generatedSecrets).to.deep.equal(['ADMIN_JWT_SECRET', 'DATA_ENCRYPTION_KEY']);
    expect(statSync(join(dir, 'secrets.json')).mode & 0o777).to.equal(0o600);
    const b = loadConfig({ DATA_DIR: dir });
    expect(b.generatedSecrets).to.deep.equal([]);
    expect(b.ADMIN_JWT_SECRET).to.equal(a.ADMIN_JWT_SECRET);
    expect(JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')).DATA_ENCRYPTION_KEY).to.equal(
      a.DATA_ENCRYPTION_KEY,
    );
  });

  it('stops a production start that lacks a secret, naming it', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'production', DATA_ENCRYPTION_KEY: Buffer.alloc(32).toString('base64') }),
    ).to.throw(ConfigError, /ADMIN_JWT_SECRET/);
  });

  it('rejects bad values with a message per variable', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: mkdtempSync(join(tmpdir(), 'cfg-')) })).to.throw(
      ConfigError,
      /PORT/,
    );
    expect(() =>
      loadConfig({ DATA_ENCRYPTION_KEY: 'c2hvcnQ=', DATA_DIR: mkdtempSync(join(tmpdir(), 'cfg-')) }),
    ).to.throw(ConfigError, /32 bytes/);
    for (const v of ['16mb', '16', '64kB', '2GB']) {
      expect(
        () => loadConfig({ PGLITE_SHARED_BUFFERS: v, DATA_DIR: mkdtempSync(join(tmpdir(), 'cfg-')) }),
        v,
      ).to.throw(ConfigError, /PGLITE_SHARED_BUFFERS/);
    }
    for (const v of ['8 megabytes', 'abc', '100', '2gb', '']) {
      expect(() => loadConfig({ BODY_LIMIT: v, DATA_DIR: mkdtempSync(join(tmpdir(), 'cfg-')) }), v).to.throw(
        ConfigError,
        /BODY_LIMIT/,
      );
    }
    expect(
      loadConfig({ BODY_LIMIT: '1.5MB', DATA_DIR: mkdtempSync(join(tmpdir(), 'cfg-')) }).BODY_LIMIT,
    ).to.equal('1.5MB');
    expect(
      loadConfig({ PGLITE_SHARED_BUFFERS: '32MB', DATA_DIR: mkdtempSync(join(tmpdir(), 'cfg-')) })
        .PGLITE_SHARED_BUFFERS,
    ).to.equal('32MB');
  });
});

describe('secrets at rest', () => {
  it('seals and opens with AES-256-GCM, and refuses tampering or the wrong context', () => {
    const box = new SecretBox(Buffer.alloc(32, 7).toString('base64'));
    const sealed = box.seal('whsec_x', 'webhook:acme');
    expect(sealed).to.not.include('whsec_x');
    expect(box.open(sealed, 'webhook:acme')).to.equal('whsec_x');
    expect(() => box.open(sealed, 'webhook:other')).to.throw();
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64url');
    expect(() => box.open(parts.join('.'), 'webhook:acme')).to.throw();
  });
});

describe('admin tokens', () => {
  const secret = 'x'.repeat(40);
  it('accepts a token another system minted with the documented claims (role, iss, aud, exp), and refuses one without iss or aud', async () => {
    const key = new TextEncoder().encode(secret);
    const exp = Math.floor(Date.now() / 1000) + 600;
    const claims = { role: 'admin', iss: 'veqtrx-gateway', aud: 'veqtrx-admin', sub: 'ops-portal', exp };
    const sign = (c: Record<string, unknown>) =>
      new SignJWT(c).setProtectedHeader({ alg: 'HS256' }).sign(key);
    expect(await verifyAdminToken(secret, await sign(claims))).to.deep.equal({ subject: 'ops-portal' });
    const { iss: _iss, ...noIssuer } = claims;
    const { aud: _aud, ...noAudience } = claims;
    expect(await verifyAdminToken(secret, await sign(noIssuer))).to.equal(undefined);
    expect(await verifyAdminToken(secret, await sign(noAudience))).to.equal(undefined);
  });

  it('accepts a minted admin token and refuses other secrets, roles, algorithms and missing expiry', async () => {
    expect(await verifyAdminToken(secret, await mintAdminToken(secret))).to.deep.equal({
      subject: 'admin-cli',
    });
    expect(await verifyAdminToken('y'.repeat(40), await mintAdminToken(secret))).to.equal(undefined);
    const key = new TextEncoder().encode(secret);
    const base = () =>
      new SignJWT({ role: 'admin' })
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer('veqtrx-gateway')
        .setAudience('veqtrx-admin');
    expect(await verifyAdminToken(secret, await base().sign(key))).to.equal(undefined);
    expect(
      await verifyAdminToken(
        secret,
        await new SignJWT({ role: 'viewer' })
          .setProtectedHeader({ alg: 'HS256' })
          .setIssuer('veqtrx-gateway')
          .setAudience('veqtrx-admin')
          .setExpirationTime('1h')
          .sign(key),
      ),
    ).to.equal(undefined);
    expect(
      await verifyAdminToken(
        secret,
        await base()
          .setExpirationTime(Math.floor(Date.now() / 1000) - 10)
          .sign(key),
      ),
    ).to.equal(undefined);
    const unsigned =
      Buffer.from('{"alg":"none"}').toString('base64url') +
      '.' +
      Buffer.from('{"role":"admin","exp":9999999999}').toString('base64url') +
      '.';
    expect(await verifyAdminToken(secret, unsigned)).to.equal(undefined);
  });
});

describe('API key verification', () => {
  const key = `prt_acme_${'K'.repeat(32)}`;
  let lookups = 0;
  let hash = '';
  const fakeDb = {
    query: (sql: string) => {
      if (sql.includes('from api_keys')) {
        lookups++;
        return Promise.resolve({
          rows: [
            {
              id: 'key_1',
              partner_id: 'acme',
              display_prefix: 'prt_acme_KKKK…',
              key_hash: hash,
              disabled_at: null,
            },
          ],
          rowCount: 1,
        });
      }
      return Promise.resolve({ rows: [], rowCount: 0 });
    },
  } as unknown as Db;
  before(async () => {
    hash = await bcrypt.hash(key, 4);
  });
  beforeEach(() => {
    lookups = 0;
  });

  it('checks a key once for 100 concurrent first uses, then serves it from cache until the TTL', async () => {
    let t = 0;
    const v = new KeyVerifier(fakeDb, 1000, () => t);
    const results = await Promise.all(Array.from({ length: 100 }, () => v.verify(key)));
    expect(results.every((r) => r?.partnerId === 'acme')).to.equal(true);
    expect(lookups).to.equal(1);
    await v.verify(key);
    expect(lookups).to.equal(1);
    t = 1001;
    await v.verify(key);
    expect(lookups).to.equal(2);
  });

  it('remembers a wrong key for the TTL, and rejects malformed keys without a lookup', async () => {
    const v = new KeyVerifier(fakeDb, 1000, () => 0);
    expect(await v.verify(`prt_acme_${'Z'.repeat(32)}`)).to.equal(undefined);
    expect(await v.verify(`prt_acme_${'Z'.repeat(32)}`)).to.equal(undefined);
    expect(lookups).to.equal(1);
    expect(await v.verify('prt_acme_short')).to.equal(undefined);
    expect(await v.verify(undefined)).to.equal(undefined);
    expect(lookups).to.equal(1);
  });

  it('forgets an evicted key at once', async () => {
    const v = new KeyVerifier(fakeDb, 60_000, () => 0);
    await v.verify(key);
    v.evictKey('key_1');
    await v.verify(key);
    expect(lookups).to.equal(2);
  });
});
