/**
 * Finds any of many strings (thousands of source identifiers) in bytes, in one pass
 * (Aho-Corasick over UTF-8 bytes), so that a test can scan whole files for every raw value. A
 * match counts only where no letter or digit touches it on either side: a value written to a CSV
 * file or stored as a string stands apart, while codes that DuckDB stores back to back (school
 * codes in a dictionary) would otherwise spell learner codes across their joins.
 */
export class NeedleScanner {
  /** Transition of node n on byte b, keyed n * 256 + b. */
  private readonly next = new Map<number, number>();
  private readonly children: Array<Array<[number, number]>> = [[]];
  private readonly fail: number[] = [0];
  /** The needle ending at a node, and the nearest shorter match along its failure links. */
  private readonly word: Array<string | undefined> = [undefined];
  private readonly shorter: number[] = [0];

  constructor(needles: Iterable<string>) {
    for (const needle of needles) {
      let node = 0;
      for (const b of Buffer.from(needle, 'utf8')) {
        let child = this.next.get(node * 256 + b);
        if (child === undefined) {
          child = this.word.length;
          this.word.push(undefined);
          this.children.push([]);
          this.fail.push(0);
          this.shorter.push(0);
          this.next.set(node * 256 + b, child);
          this.children[node].push([b, child]);
        }
        node = child;
      }
      this.word[node] = needle;
    }
    const queue = this.children[0].map(([, c]) => c);
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i];
      for (const [b, child] of this.children[node]) {
        let f = this.fail[node];
        while (f !== 0 && !this.next.has(f * 256 + b)) f = this.fail[f];
        const target = this.next.get(f * 256 + b);
        this.fail[child] = target !== undefined && target !== child ? target : 0;
        const failed = this.fail[child];
        this.shorter[child] = this.word[failed] !== undefined ? failed : this.shorter[failed];
        queue.push(child);
      }
    }
  }

  /** The needles found in `bytes` (at most `limit` of them). */
  find(bytes: Uint8Array, limit = 10): string[] {
    const found = new Set<string>();
    let node = 0;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i];
      let step = this.next.get(node * 256 + b);
      while (step === undefined && node !== 0) {
        node = this.fail[node];
        step = this.next.get(node * 256 + b);
      }
      node = step ?? 0;
      for (let m = this.word[node] !== undefined ? node : this.shorter[node]; m !== 0; m = this.shorter[m]) {
        const word = this.word[m]!;
        const start = i + 1 - Buffer.byteLength(word, 'utf8');
        if (alphanumeric(bytes[start - 1]) || alphanumeric(bytes[i + 1])) continue;
        found.add(word);
        if (found.size >= limit) return [...found];
      }
    }
    return [...found];
  }
}

/** ASCII letters and digits (undefined, before the start or after the end, is neither). */
function alphanumeric(b: number | undefined): boolean {
  return b !== undefined && ((b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a));
}
