/**
 * The admin API refuses a body before any operation sees it, as openapi/admin-v1.yaml documents on every
 * operation that takes one (issue 17): 400 `invalid_string` for ill-formed Unicode or a control character
 * in any string or key (naming the path), 413 `body_too_large` over the 100 KB limit, 415 for a body that
 * is not JSON or not in a Unicode charset. Nothing is changed by a refused request.
 */
import { expect } from 'chai';
import { onEachDatabase, reset } from '../helpers/databases.ts';
import { adminToken, call, createPartner, startGateway, type Running } from '../helpers/gateway.ts';

/**
 * Each operation with a body: a body it accepts, and one with `@` where a bad string goes (the rotation
 * body has no string field: its bad string is a key), with the path the refusal names.
 */
const OPERATIONS = [
  {
    method: 'POST',
    path: '/partners',
    ok: '{"partner_id":"newbank","tier":"pilot","display_name":"New Bank"}',
    bad: '{"partner_id":"newbank","tier":"pilot","display_name":"New@Bank"}',
    field: 'display_name',
  },
  {
    method: 'PUT',
    path: '/partners/bodybank',
    ok: '{"display_name":"Body Bank 2"}',
    bad: '{"display_name":"Body@Bank"}',
    field: 'display_name',
  },
  {
    method: 'POST',
    path: '/partners/bodybank/webhook-secret',
    ok: '{"previous_secret_hours":1}',
    bad: '{"previous_secret_hours":1,"note@":1}',
    field: 'note@',
  },
  {
    method: 'PUT',
    path: '/partners/bodybank/assessment-settings',
    ok: '{"spending_guidelines":{"source":"SFS 2026","households":[{"adults":1,"children":0,"categories":{"Personal Costs":50}}]}}',
    bad: '{"spending_guidelines":{"source":"SFS@2026","households":[{"adults":1,"children":0,"categories":{"Personal Costs":50}}]}}',
    field: 'spending_guidelines.source',
  },
  {
    method: 'PUT',
    path: '/partners/bodybank/providers/validifi',
    ok: '{"client_id":"client-1","client_secret":"s3cret","environment":"sandbox"}',
    bad: '{"client_id":"client@","client_secret":"s3cret","environment":"sandbox"}',
    field: 'client_id',
  },
  {
    method: 'PUT',
    path: '/partners/bodybank/portal',
    ok: '{"display_name":"Body Bank Portal","primary_color":"#123456"}',
    bad: '{"display_name":"Body@Portal"}',
    field: 'display_name',
  },
  {
    method: 'POST',
    path: '/partners/bodybank/portal/links',
    ok: '{"customer_ref":"cust-1","prefilled_name":"Alex Customer"}',
    bad: '{"customer_ref":"cust-1","prefilled_name":"Alex@Customer"}',
    field: 'prefilled_name',
  },
] as const;

/** JSON escapes for the bad strings (the JSON text stays ASCII) and what each becomes once parsed. */
const BAD = [
  { name: 'a lone high surrogate', escape: '\\ud800', char: '\ud800' },
  { name: 'a lone low surrogate', escape: '\\udfff', char: '\udfff' },
  { name: 'a NUL', escape: '\\u0000', char: '\u0000' },
  { name: 'a tab', escape: '\\t', char: '\t' },
  { name: 'a DEL', escape: '\\u007f', char: '\u007f' },
] as const;

onEachDatabase('admin body refusals', (_kind, getDb) => {
  let g: Running;
  before(async function () {
    this.timeout(60_000);
    g = await startGateway(getDb());
  });
  after(async () => g?.stop());
  beforeEach(async () => {
    await reset(getDb());
    await createPartner(g.url, 'bodybank', { display_name: 'Body Bank' });
    // Its portal enabled, so that links can be minted.
    await call(g.url, 'PUT', '/api/admin/partners/bodybank/portal', {
      token: await adminToken(),
      body: { portal_enabled: true },
    });
  });
  const send = async (method: string, path: string, raw: string, headers: Record<string, string> = {}) =>
    call(g.url, method, `/api/admin${path}`, { token: await adminToken(), raw, headers });
  /** What the operations could have changed: the partners, bodybank's secrets, settings, provider credentials, portal settings and links. */
  const state = async () =>
    JSON.stringify(
      (
        await getDb().query(
          'select p.id, p.display_name, p.webhook_secret_enc, p.updated_at, p.stress_parameters::text as stress, p.spending_guidelines::text as guidelines, (select count(*) from provider_credentials c where c.partner_id = p.id)::int as providers, (select row_to_json(x) from partner_portals x where x.partner_id = p.id) as portal, (select count(*) from portal_sessions s where s.partner_id = p.id)::int as links from partners p order by p.id',
        )
      ).rows,
    );

  for (const op of OPERATIONS) {
    describe(`${op.method} ${op.path}`, () => {
      it('accepts the body used below when its strings are fine (the control)', async () => {
        const r = await send(op.method, op.path, op.ok);
        expect(r.status, r.text).to.be.oneOf([200, 201]);
      });

      it('answers 400 invalid_string naming the field for ill-formed Unicode or a control character, and changes nothing', async () => {
        const before = await state();
        for (const bad of BAD) {
          const r = await send(op.method, op.path, op.bad.replace('@', bad.escape));
          expect(r.status, `${bad.name}: ${r.text}`).to.equal(400);
          expect(r.body.code, bad.name).to.equal('invalid_string');
          expect(r.body.errors[0].path, bad.name).to.equal(op.field.replace('@', bad.char));
          expect(r.body.detail, bad.name).to.match(/^Invalid string: /);
        }
        expect(await state()).to.equal(before);
      });

      it('answers 413 body_too_large for a body over 100 KB, and changes nothing', async () => {
        const before = await state();
        const padded = op.ok.replace(/}$/, `,"pad":"${'x'.repeat(110 * 1024)}"}`);
        const r = await send(op.method, op.path, padded);
        expect(r.status, r.text).to.equal(413);
        expect(r.body.code).to.equal('body_too_large');
        expect(await state()).to.equal(before);
      });

      it('answers 415 for a body that is not JSON, or in a charset that is not Unicode, and changes nothing', async () => {
        const before = await state();
        const form = await send(op.method, op.path, 'display_name=x', {
          'content-type': 'application/x-www-form-urlencoded',
        });
        expect(form.status, form.text).to.equal(415);
        expect(form.body.code).to.equal('unsupported_media_type');
        const latin1 = await send(op.method, op.path, op.ok, {
          'content-type': 'application/json; charset=iso-8859-1',
        });
        expect(latin1.status, latin1.text).to.equal(415);
        expect(latin1.body.code).to.equal('unsupported_encoding');
        expect(await state()).to.equal(before);
      });
    });
  }
});
