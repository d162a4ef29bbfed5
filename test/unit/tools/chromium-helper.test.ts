/**
 * The real-browser helper itself: Chromium starts, renders a loopback page under a strict CSP, writes a
 * screenshot, and axe-core finds a violation where there is one and none where there is none — so a
 * page test's "no serious violation" is a check that can fail.
 */
import { expect } from 'chai';
import { existsSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { axeViolations, browserOrSkip, newContext, screenshot } from '../../helpers/chromium.js';

const GOOD = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Good</title>
<meta name="viewport" content="width=device-width"></head><body><main><h1>Hello</h1>
<form><label for="n">Name</label><input id="n" name="n"><button type="submit">Go</button></form></main></body></html>`;
const BAD = `<!doctype html><html><head><title>Bad</title></head><body>
<img src="/x.png"><input name="unlabelled"><a href="/"></a></body></html>`;

describe('test helper: Debian Chromium through playwright-core, with axe-core', function () {
  this.timeout(180_000);
  const browser = browserOrSkip();
  let server: Server;
  let base = '';

  before(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'self'");
      res.setHeader('content-type', 'text/html; charset=utf-8');
      res.end(req.url === '/bad' ? BAD : GOOD);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('renders a page under a strict CSP and writes its screenshot', async () => {
    const ctx = await newContext(browser(), 'phone');
    try {
      const page = await ctx.newPage();
      await page.goto(`${base}/good`);
      expect(await page.locator('h1').textContent()).to.equal('Hello');
      const file = await screenshot(page, 'helper-self-test-phone');
      expect(existsSync(file)).to.equal(true);
      expect(statSync(file).size).to.be.greaterThan(1000);
      expect(await axeViolations(page)).to.deep.equal([]);
    } finally {
      await ctx.close();
    }
  });

  it('axe-core reports the violations of a page that has them', async () => {
    const ctx = await newContext(browser(), 'desktop');
    try {
      const page = await ctx.newPage();
      await page.goto(`${base}/bad`);
      const ids = (await axeViolations(page)).map((v) => v.id).sort();
      expect(ids).to.include.members(['image-alt', 'label', 'link-name']);
    } finally {
      await ctx.close();
    }
  });
});
