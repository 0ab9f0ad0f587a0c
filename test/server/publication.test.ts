/**
 * data/indicators/publication.json is the one place the breakdown dimensions, the map's
 * indicators and each indicator's counts are written: it agrees with the catalogue and with the
 * model that computes the values, and the server serves it to the dashboards.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFixtureWarehouse } from './support/fixture-warehouse.ts';
import { startTestServer, type TestServer } from './support/test-server.ts';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const publication = JSON.parse(read('data/indicators/publication.json'));
const catalog = JSON.parse(read('data/indicators/catalog.json')) as Array<{ code: string; breakdowns: string[] }>;

describe('data/indicators/publication.json', () => {
  it('names every dimension the catalogue breaks down by, and no other', () => {
    const used = new Set(catalog.flatMap((c) => c.breakdowns).filter((b) => b !== 'total'));
    expect(publication.dimensions.map((d: { code: string }) => d.code).sort()).toEqual([...used].sort());
  });

  it("names the map's indicators from the catalogue", () => {
    for (const i of publication.map.indicators) expect(catalog.map((c) => c.code)).toContain(i.code);
  });

  it('gives every indicator of the catalogue the counts models/indicators/int_indicator_values.sql divides', () => {
    const sql = read('models/indicators/int_indicator_values.sql');
    const model = [...sql.matchAll(/\{'indicator': '([^']+)', 'numerator': ([a-z0-9_]+), 'denominator': ([a-z0-9_]+)\}/g)].map(([, code, num, den]) => ({
      code,
      num,
      den,
    }));
    // an indicator may be unpivoted in more than one branch (the training-level rows repeat the staff ones)
    expect([...new Set(model.map((m) => m.code))].sort()).toEqual(catalog.map((c) => c.code).sort());
    // learners_female is learners with sex=female: the column the model sums for that cell
    const column = (ref: { count: string; cell?: Record<string, string> } | undefined) =>
      ref === undefined ? 'null' : ref.cell?.sex ? `${ref.count}_${ref.cell.sex}` : ref.count;
    for (const m of model) {
      const refs = publication.counts[m.code];
      expect({ code: m.code, num: column(refs.numerator), den: column(refs.denominator) }).toEqual(m);
    }
    // DROP-NAT is reported on the end of the year over the start of the year's enrolment
    expect(publication.counts['DROP-NAT'].denominator).toEqual({ count: 'learners', period: 'start_of_year' });
  });
});

describe('the dimensions and map indicators served', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer(buildFixtureWarehouse, { noise: false });
  });
  afterAll(async () => {
    await s?.close();
  });

  it('serves them without a key, as the file says', async () => {
    expect((await s.get('/api/public/dimensions')).body.rows).toEqual(publication.dimensions);
    expect((await s.get('/api/public/map-indicators')).body.rows).toEqual(publication.map.indicators);
  });

  it('accepts exactly the dimensions of the file as breakdowns', async () => {
    for (const d of publication.dimensions) expect((await s.get(`/api/indicators?breakdown=${d.code}`, s.keys.nationAdmin)).status).toBe(200);
    const r = await s.get('/api/indicators?breakdown=colour', s.keys.nationAdmin);
    expect(r.status).toBe(400);
    expect(r.body.error.message).toContain(publication.dimensions.map((d: { code: string }) => d.code).join(', '));
  });
});
