import { expect } from 'chai';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { embedded, reset } from '../helpers/databases.ts';
import { ADMIN_SECRET, adminToken, call, startGateway, type Running } from '../helpers/gateway.ts';
import { verifyAdminToken } from '../../src/services/admin-token.ts';

const run = promisify(execFile);

describe('admin CLI', function () {
  // Each command is a new node process compiling TypeScript: seconds apiece, tens of seconds on a loaded machine.
  this.timeout(300_000);
  let g: Running;
  before(async () => {
    const db = await embedded();
    await reset(db);
    g = await startGateway(db);
  });
  after(async () => g?.stop());

  const cli = async (...args: string[]) => cliWith({}, ...args, '--url', g.url);
  const cliWith = async (env: Record<string, string>, ...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', 'src/cli/admin.ts', ...args], {
        env: {
          ...process.env,
          ADMIN_JWT_SECRET: ADMIN_SECRET,
          DATA_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
          ...env,
        },
      });
      return { code: 0, out: stdout };
    } catch (e) {
      const x = e as { code: number; stdout: string; stderr: string };
      return { code: x.code, out: x.stdout + x.stderr };
    }
  };

  it('mints a valid admin token', async () => {
    const r = await cli('token', '--ttl', '120');
    expect(r.code).to.equal(0);
    expect(await verifyAdminToken(ADMIN_SECRET, r.out.trim())).to.not.equal(undefined);
  });

  it('creates a partner whose key works, lists it, issues and disables keys, and signs it off', async () => {
    const created = JSON.parse(
      (await cli('create-partner', 'clibank', '--tier', 'standard', '--name', 'CLI Bank')).out,
    );
    expect(created).to.include({ partner_id: 'clibank', tier: 'standard', monthly_quota: 10_000 });
    expect((await call(g.url, 'GET', '/api/partner/v1/usage', { key: created.api_key })).status).to.equal(
      200,
    );
    const listed = JSON.parse((await cli('list-partners')).out);
    expect(listed.partners.map((p: { partner_id: string }) => p.partner_id)).to.include('clibank');
    const second = JSON.parse((await cli('issue-key', 'clibank')).out);
    expect(second.api_key).to.match(/^prt_clibank_/);
    expect((await cli('disable-key', 'clibank', created.key_id)).code).to.equal(0);
    expect((await call(g.url, 'GET', '/api/partner/v1/usage', { key: created.api_key })).status).to.equal(
      401,
    );
    const updated = JSON.parse((await cli('update-partner', 'clibank', '--quota', '5')).out);
    expect(updated.monthly_quota).to.equal(5);
    expect(JSON.parse((await cli('sign-off', 'clibank')).out).is_test_mode).to.equal(false);
  });

  it('stores ValidiFI credentials with the secret from the environment, lists them without it, deletes them', async () => {
    expect((await cli('create-partner', 'vfibank', '--tier', 'pilot')).code).to.equal(0);
    const noSecret = await cli(
      'provider-set',
      'vfibank',
      'validifi',
      '--client-id',
      'client-123456789',
      '--environment',
      'sandbox',
    );
    expect(noSecret.code).to.equal(2);
    expect(noSecret.out).to.match(/PROVIDER_CLIENT_SECRET or, with --client-secret-stdin, from stdin/);
    const set = await cliWith(
      { PROVIDER_CLIENT_SECRET: 'cli-secret-value-xyz' },
      'provider-set',
      'vfibank',
      'validifi',
      '--client-id',
      'client-123456789',
      '--environment',
      'sandbox',
      '--url',
      g.url,
    );
    expect(set.code, set.out).to.equal(0);
    expect(JSON.parse(set.out)).to.include({
      provider: 'validifi',
      environment: 'sandbox',
      base_url: 'https://sandbox.ribbit.ai',
      client_id_hint: 'clie…',
    });
    const listed = await cli('provider-list', 'vfibank');
    expect(JSON.parse(listed.out).providers).to.have.length(1);
    expect(listed.out + set.out).not.to.include('cli-secret-value-xyz');
    expect((await cli('provider-delete', 'vfibank', 'validifi')).code).to.equal(0);
    expect(JSON.parse((await cli('provider-list', 'vfibank')).out).providers).to.deep.equal([]);
  });

  it("stores an analysis provider's credentials from JSON on stdin, and refuses them as an argument or malformed", async () => {
    expect((await cli('create-partner', 'dabank', '--tier', 'pilot')).code).to.equal(0);
    const withStdin = (input: string, ...args: string[]) =>
      new Promise<{ code: number | null; out: string; all: string }>((resolve) => {
        const child = spawn(
          process.execPath,
          ['--import', 'tsx', 'src/cli/admin.ts', ...args, '--url', g.url],
          {
            env: { ...process.env, ADMIN_JWT_SECRET: ADMIN_SECRET },
          },
        );
        let out = '';
        let err = '';
        child.stdout.on('data', (c: Buffer) => (out += c.toString()));
        child.stderr.on('data', (c: Buffer) => (err += c.toString()));
        child.on('close', (code) => resolve({ code, out, all: out + err }));
        child.stdin.end(input);
      });
    const creds = { api_key: 'ckiq_live_cli_secret_987', base_url: 'https://api.example.com' };
    const set = await withStdin(
      JSON.stringify(creds),
      'provider-set',
      'dabank',
      'document_api',
      '--credentials-stdin',
    );
    expect(set.code, set.all).to.equal(0);
    expect(JSON.parse(set.out)).to.include({ provider: 'document_api', base_url: 'https://api.example.com' });
    expect(set.all).not.to.include('ckiq_live_cli_secret_987');
    const noFlag = await cli('provider-set', 'dabank', 'document_api');
    expect(noFlag.code).to.equal(2);
    expect(noFlag.out).to.match(/--credentials-stdin/);
    const bad = await withStdin('{not json', 'provider-set', 'dabank', 'document_api', '--credentials-stdin');
    expect(bad.code).to.not.equal(0);
    expect(bad.all).to.match(/not JSON/);
    const refused = await withStdin(
      JSON.stringify({ api_key: 'k', base_url: 'http://10.0.0.1' }),
      'provider-set',
      'dabank',
      'document_api',
      '--credentials-stdin',
    );
    expect(refused.code).to.not.equal(0);
    expect(refused.all).to.match(/base_url/);
  });

  it('sets up the hosted portal and mints, lists and revokes a link', async () => {
    expect((await cli('create-partner', 'portalcli', '--tier', 'pilot')).code).to.equal(0);
    const refused = await cli('portal-link', 'portalcli', '--customer-ref', 'c-1');
    expect(refused.code).to.equal(1);
    expect(refused.out).to.match(/409: the portal of partner "portalcli" is not enabled/);
    const set = await cli(
      'portal-set',
      'portalcli',
      '--enable',
      '--primary-color',
      '#123ABC',
      '--display-name',
      'Portal CLI Bank',
      '--redirect-domain',
      'bank.example.com',
      '--redirect-domain',
      'www.bank.example.com',
    );
    expect(set.code, set.out).to.equal(0);
    expect(JSON.parse(set.out)).to.deep.include({
      portal_enabled: true,
      primary_color: '#123abc',
      display_name: 'Portal CLI Bank',
      allowed_redirect_domains: ['bank.example.com', 'www.bank.example.com'],
    });
    const link = await cli(
      'portal-link',
      'portalcli',
      '--customer-ref',
      'c-1',
      '--redirect-url',
      'https://bank.example.com/back',
      '--ttl-hours',
      '2',
    );
    expect(link.code, link.out).to.equal(0);
    const minted = JSON.parse(link.out);
    expect(minted.url).to.equal(`${g.url}/p/portalcli?t=${minted.token}`);
    const listed = JSON.parse((await cli('portal-links', 'portalcli')).out);
    expect(listed.links[0]).to.include({ session_id: minted.session_id, status: 'created' });
    const revoked = JSON.parse((await cli('portal-revoke', 'portalcli', minted.session_id)).out);
    expect(revoked.status).to.equal('revoked');
    expect((await cli('portal-link', 'portalcli')).out).to.match(/needs --customer-ref/);
    expect(
      (await cli('portal-link', 'portalcli', '--customer-ref', 'c', '--ttl-hours', '721')).code,
    ).to.equal(2);
  });

  it("shows and sets a partner's assessment settings: stress parameters, guidelines from a file, back to the defaults", async () => {
    expect((await cli('create-partner', 'setclibank', '--tier', 'pilot')).code).to.equal(0);
    const shown = JSON.parse((await cli('assessment-settings', 'setclibank')).out);
    expect(shown).to.include({ stress_source: 'default', spending_guidelines: null });
    const file = join(mkdtempSync(join(tmpdir(), 'veqtrx-cli-')), 'guidelines.json');
    const guidelines = {
      source: 'CLI guidelines',
      households: [{ adults: 1, children: 0, categories: { 'Food & Housekeeping': 380 } }],
    };
    writeFileSync(file, JSON.stringify(guidelines));
    const set = await cli(
      'set-assessment-settings',
      'setclibank',
      '--income-fall',
      '15',
      '--variable-kinds',
      'mortgage,credit_card',
      '--minimum-buffer',
      '75',
      '--guidelines-file',
      file,
    );
    expect(set.code, set.out).to.equal(0);
    const now = JSON.parse(set.out);
    expect(now.stress).to.include({ income_fall_pct: 15, minimum_buffer: 75, rate_rise_points: 3 });
    expect(now.stress.variable_rate_kinds).to.deep.equal(['mortgage', 'credit_card']);
    expect(now.spending_guidelines).to.deep.equal(guidelines);
    const back = JSON.parse((await cli('set-assessment-settings', 'setclibank', '--default-stress')).out);
    expect(back.stress_source).to.equal('default');
    expect(back.spending_guidelines).to.deep.equal(guidelines);
    const refused = await cli('set-assessment-settings', 'setclibank', '--income-fall', '150');
    expect(refused.code).to.equal(1);
    expect(refused.out).to.match(/400: .*stress\.income_fall_pct/);
    const nothing = await cli('set-assessment-settings', 'setclibank');
    expect(nothing.code).to.equal(2);
  });

  it('reports API errors and usage mistakes with a non-zero exit', async () => {
    const dup = await cli('create-partner', 'dupbank', '--tier', 'pilot');
    expect(dup.code).to.equal(0);
    const again = await cli('create-partner', 'dupbank', '--tier', 'pilot');
    expect(again.code).to.equal(1);
    expect(again.out).to.match(/409: partner "dupbank" already exists/);
    expect((await cli('create-partner', 'nobank')).code).to.equal(2);
    expect((await cli('frobnicate')).code).to.equal(2);
  });

  it('answers a mistake on the command line with the usage, not a stack trace', async () => {
    const unknown = await cli('create-partner', 'flagbank', '--partner-id', 'flagbank', '--tier', 'pilot');
    expect(unknown.code).to.equal(2);
    expect(unknown.out)
      .to.include("Unknown option '--partner-id'")
      .and.include('usage: npm run admin -- <command>');
    expect(unknown.out).not.to.match(/^\s+at /m);
    const noValue = await cliWith({}, 'create-partner', 'flagbank', '--url', g.url, '--tier');
    expect(noValue.code).to.equal(2);
    expect(noValue.out)
      .to.include("Option '--tier <value>' argument missing")
      .and.not.match(/^\s+at /m);
    expect(
      (await call(g.url, 'GET', '/api/admin/partners/flagbank', { token: await adminToken() })).status,
    ).to.equal(404);
  });

  it('says so when --url answers with something that is not this gateway', async () => {
    const other = createServer((_req, res) =>
      res.writeHead(502, { 'content-type': 'text/html' }).end('<html>Bad Gateway</html>'),
    );
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    try {
      const r = await cliWith(
        {},
        'list-partners',
        '--url',
        `http://127.0.0.1:${(other.address() as AddressInfo).port}`,
      );
      expect(r.code).to.equal(1);
      expect(r.out).to.match(
        /^502 from http:\/\/127\.0\.0\.1:\d+, and not JSON — is --url this gateway\?\n<html>Bad Gateway<\/html>/m,
      ); // (after the line saying which secret signs)
      expect(r.out).not.to.match(/^\s+at /m);
    } finally {
      await new Promise((r) => other.close(r));
    }
  });
});
