/**
 * The response cache's memory bound: least recently used answers leave first, and downloads
 * (large answers) push out only each other, never the small answers every page asks for.
 */
import { describe, expect, it } from 'vitest';
import { ResponseCache } from '../../server/cache/response-cache.ts';

const MB = 1024 * 1024;
const answer = (bytes: number) => ({ headers: [], body: Buffer.alloc(bytes, 'x'), rows: null, format: 'json' });

describe('ResponseCache', () => {
  it('keeps the small answers when downloads fill the bound, and drops the least recently used download first', () => {
    const cache = new ResponseCache(64 * MB);
    cache.get('v1', 'warm');
    for (let i = 0; i < 100; i++) cache.put('v1', `map ${i}`, answer(10_000));
    // twenty 3-MB downloads: 60 MB, more than the 32 MB that downloads may hold
    for (let i = 0; i < 20; i++) {
      cache.put('v1', `csv ${i}`, answer(3 * MB));
      // the first download is asked for again each time: the most recently used stays
      expect(cache.get('v1', 'csv 0'), `after download ${i}`).toBeDefined();
    }
    for (let i = 0; i < 100; i++) expect(cache.get('v1', `map ${i}`), `map ${i}`).toBeDefined();
    expect(cache.get('v1', 'csv 1')).toBeUndefined();
    expect(cache.get('v1', 'csv 19')).toBeDefined();
    expect(cache.size).toBeLessThanOrEqual(64 * MB);
    expect(cache.stats.evicted).toBeGreaterThan(0);
  });

  it('bounds the small answers by their own half, least recently used first', () => {
    const cache = new ResponseCache(4 * MB);
    cache.get('v1', 'warm');
    // 40 KB each (under 4 MB / 64): 100 of them are 4 MB, twice the 2 MB the small ones may hold
    for (let i = 0; i < 100; i++) cache.put('v1', `table ${i}`, answer(40_000));
    expect(cache.get('v1', 'table 0')).toBeUndefined();
    expect(cache.get('v1', 'table 99')).toBeDefined();
    expect(cache.size).toBeLessThanOrEqual(2 * MB);
    // an answer over a quarter of the bound is never kept, though it was answered (a 304 may follow)
    cache.put('v1', 'huge', answer(MB + 1));
    expect(cache.get('v1', 'huge')).toBeUndefined();
    expect(cache.wasAnswered('v1', 'huge')).toBe(true);
  });

  it('drops every answer of the version before', () => {
    const cache = new ResponseCache(64 * MB);
    cache.get('v1', 'warm');
    cache.put('v1', 'map', answer(10_000));
    cache.put('v1', 'csv', answer(2 * MB));
    expect(cache.get('v2', 'map')).toBeUndefined();
    expect(cache.get('v2', 'csv')).toBeUndefined();
    expect(cache.wasAnswered('v2', 'map')).toBe(false);
    expect(cache.size).toBe(0);
  });
});
