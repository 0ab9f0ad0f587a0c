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

/** Accumulates chunks and hands back the complete rows they hold, in order, counting them. */
export class CsvRowCutter {
  /** Bytes after the last row end seen, waiting for the rest of their row. */
  private carry: Buffer[] = [];
  /** 1 while a quoted field is open at the end of what was pushed. */
  private open = 0;
  /** Row ends seen so far. */
  private ends = 0;

  /** Adds `chunk` and returns the complete rows now available (maybe none), as buffers to write in order. */
  push(chunk: Buffer): Buffer[] {
    let open = this.open;
    let last = -1;
    let q = chunk.indexOf(QUOTE);
    for (let n = chunk.indexOf(NEWLINE); n !== -1; n = chunk.indexOf(NEWLINE, n + 1)) {
      for (; q !== -1 && q < n; q = chunk.indexOf(QUOTE, q + 1)) open ^= 1;
      if (open === 0) {
        this.ends++;
        last = n;
      }
    }
    for (; q !== -1; q = chunk.indexOf(QUOTE, q + 1)) open ^= 1;
    // the bytes after the last row end start outside quotes, so `open` is their state too
    this.open = open;
    if (last === -1) {
      this.carry.push(chunk);
      return [];
    }
    const rows = [...this.carry, chunk.subarray(0, last + 1)];
    this.carry = last + 1 < chunk.length ? [chunk.subarray(last + 1)] : [];
    return rows;
  }

  /** Complete rows handed back so far. */
  get rows(): number {
    return this.ends;
  }

  /** Bytes left after the last row end; PostgreSQL's output always ends a row, so 0 at the end. */
  get pending(): number {
    return this.carry.reduce((n, b) => n + b.length, 0);
  }
}
