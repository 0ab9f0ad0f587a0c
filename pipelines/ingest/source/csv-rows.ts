/**
 * Cuts a stream of PostgreSQL CSV output at row ends, so that the rows of several COPY streams
 * can be interleaved into one pipe without splitting a row. PostgreSQL ends every row with a
 * newline; a newline inside a quoted field (a value holding one) is not a row end. Quotes inside
 * a quoted field are doubled, so a newline ends a row exactly when the quotes before it (since
 * the last row end) are even in number. The scan only visits quotes and newlines, with
 * Buffer.indexOf, so its cost stays small beside the parse DuckDB does.
 */

const QUOTE = 0x22;
const NEWLINE = 0x0a;

/** Accumulates chunks and hands back the complete rows they hold, in order. */
export class CsvRowCutter {
  /** Bytes after the last row end seen, waiting for the rest of their row. */
  private carry: Buffer[] = [];
  /** Quotes counted in `carry`, modulo 2: 1 means a quoted field is open. */
  private open = 0;

  /** Adds `chunk` and returns the complete rows now available (maybe none), as buffers to write in order. */
  push(chunk: Buffer): Buffer[] {
    const quotes: number[] = [];
    for (let q = chunk.indexOf(QUOTE); q !== -1; q = chunk.indexOf(QUOTE, q + 1)) quotes.push(q);
    // the last newline with an even count of quotes before it (carry included)
    let end = chunk.lastIndexOf(NEWLINE);
    let before = quotes.length;
    while (end !== -1) {
      while (before > 0 && quotes[before - 1] > end) before--;
      if (((this.open + before) & 1) === 0) break;
      end = end === 0 ? -1 : chunk.lastIndexOf(NEWLINE, end - 1);
    }
    if (end === -1) {
      this.carry.push(chunk);
      this.open = (this.open + quotes.length) & 1;
      return [];
    }
    const rows = [...this.carry, chunk.subarray(0, end + 1)];
    this.carry = end + 1 < chunk.length ? [chunk.subarray(end + 1)] : [];
    this.open = (quotes.length - before) & 1;
    return rows;
  }

  /** Bytes left after the last row end; PostgreSQL's output always ends a row, so 0 at the end. */
  get pending(): number {
    return this.carry.reduce((n, b) => n + b.length, 0);
  }
}
