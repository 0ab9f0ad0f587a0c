/**
 * The pages' large static files (vega, vega-lite, vega-embed, exceljs, the province shapes) go
 * gzipped to a client that accepts it, identical once unpacked, with an ETag per representation
 * and 304 when the client has it; a client that does not accept gzip gets the file as it is.
 */
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

type Raw = { status: number; headers: Record<string, string | string[] | undefined>; body: Buffer };

/** A GET whose body is read as it came (fetch would unpack it). */
function raw(url: string, headers: Record<string, string>): Promise<Raw> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

describe('static files for the pages', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse);
  });
  afterAll(async () => {
    await s?.close();
  });

  it.each([
    ['/vendor/vega.min.js', 'node_modules/vega/build/vega.min.js', 'text/javascript'],
    ['/vendor/vega-lite.min.js', 'node_modules/vega-lite/build/vega-lite.min.js', 'text/javascript'],
    ['/reference/vn-provinces-34.topojson', 'data/reference/vn-provinces-34.topojson', 'application/json'],
  ])('sends %s gzipped to a client that accepts it, the same bytes once unpacked, 304 when it has them', async (path, file, type) => {
    const original = readFileSync(file);
    const gz = await raw(s.url + path, { 'Accept-Encoding': 'gzip, deflate, br' });
    expect(gz.status).toBe(200);
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers['content-type']).toContain(type);
    expect(gz.headers.vary).toContain('Accept-Encoding');
    expect(gz.body.length).toBeLessThan(original.length / 2);
    expect(gunzipSync(gz.body).equals(original)).toBe(true);

    const plain = await raw(s.url + path, {});
    expect(plain.status).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(original)).toBe(true);
    // each representation has its own tag, and a revalidation of either is answered without a body
    expect(plain.headers.etag).not.toBe(gz.headers.etag);
    for (const [tag, enc] of [
      [gz.headers.etag as string, 'gzip'],
      [plain.headers.etag as string, 'identity'],
    ]) {
      const again = await raw(s.url + path, { 'Accept-Encoding': enc, 'If-None-Match': tag });
      expect({ path, enc, status: again.status, bytes: again.body.length }).toEqual({ path, enc, status: 304, bytes: 0 });
    }
    // the other representation's tag is not a match: the client would keep bytes it cannot read
    const crossed = await raw(s.url + path, { 'If-None-Match': gz.headers.etag as string });
    expect(crossed.status).toBe(200);
    expect(crossed.body.equals(original)).toBe(true);
  });
});
