import { request } from 'node:http';
import { expect } from 'chai';
import { startDemoUnderTest, type DemoUnderTest } from './browser-harness.js';

/** A raw GET, so that `..` reaches the server exactly as written. */
const get = (url: string, path: string, method = 'GET'): Promise<{ status: number; type: string; body: string }> =>
  new Promise((resolve, reject) => {
    const req = request(`${url}${path}`, { method, path }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });

describe('ecb demo: the web chat page', () => {
  let running: DemoUnderTest;
  let url: string;

  before(async () => {
    running = await startDemoUnderTest();
    url = running.demo.ecb.url;
  });

  after(async () => {
    await running?.close();
  });

  it('serves the page, its script and its styles at the root, next to the client bundle', async () => {
    const page = await get(url, '/');
    expect(page.status).to.equal(200);
    expect(page.type).to.equal('text/html; charset=utf-8');
    expect(page.body).to.include('<script src="/ecb-client.js"');
    expect((await get(url, '/app.js')).type).to.equal('application/javascript; charset=utf-8');
    expect((await get(url, '/styles.css')).type).to.equal('text/css; charset=utf-8');
  });

  it('serves nothing outside demo-web/, and leaves other paths and methods to ECB', async () => {
    for (const path of ['/../bin/ecb.js', '/..%2fbin/ecb.js', '/../package.json', '/missing.js']) {
      const answer = await get(url, path);
      expect(answer.status, path).to.equal(404);
      expect(answer.body, path).to.include('NOT_FOUND');
    }
    expect((await get(url, '/', 'POST')).status).to.equal(404);
    expect((await get(url, '/healthz')).status).to.equal(200);
  });
});
