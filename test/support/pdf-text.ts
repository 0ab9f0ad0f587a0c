/**
 * The text of a PDF that Chromium printed (Skia): every content stream's text-showing operators
 * (Tj, TJ) decoded through the ToUnicode map of the font selected by Tf. Enough to check what a
 * printed page says; not a general PDF reader (no encryption, object streams or simple-font
 * encodings, which Skia does not write).
 */
import { inflateSync } from 'node:zlib';

type PdfObject = { dict: string; stream?: Buffer };

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endobj', start);
    const body = text.slice(start, end);
    const s = body.indexOf('stream');
    if (s < 0) {
      out.set(Number(m[1]), { dict: body });
    } else {
      const dict = body.slice(0, s);
      let from = start + s + 'stream'.length;
      if (text[from] === '\r') from += 1;
      if (text[from] === '\n') from += 1;
      const to = text.lastIndexOf('endstream', end);
      let raw = pdf.subarray(from, to);
      if (/\/FlateDecode/.test(dict)) raw = inflateSync(raw, { finishFlush: 2 });
      out.set(Number(m[1]), { dict, stream: raw });
    }
    re.lastIndex = end;
  }
  return out;
}

/** A ToUnicode CMap: glyph code (hex) -> text. */
function cmap(source: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => Buffer.from(hex, 'hex').swap16().toString('utf16le');
  for (const block of source.matchAll(/beginbfchar([\s\S]*?)endbfchar/g)) {
    for (const [, code, uni] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) map.set(code.toUpperCase(), utf16(uni));
  }
  for (const block of source.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, uni] of block[1].matchAll(/<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>/g)) {
      const first = parseInt(lo, 16);
      const base = parseInt(uni, 16);
      for (let c = first; c <= parseInt(hi, 16); c++) map.set(c.toString(16).toUpperCase().padStart(lo.length, '0'), String.fromCodePoint(base + c - first));
    }
  }
  return map;
}

/** The text of every page, in drawing order; runs of one text object are joined, objects by a space. */
export function pdfText(pdf: Buffer): string {
  const objs = objects(pdf);
  const fonts = new Map<string, Map<string, string>>();
  for (const o of objs.values()) {
    for (const [, dict] of o.dict.matchAll(/\/Font\s*<<([^>]*)>>/g)) {
      for (const [, name, ref] of dict.matchAll(/\/(\w+)\s+(\d+) 0 R/g)) {
        const font = objs.get(Number(ref));
        const uni = /\/ToUnicode (\d+) 0 R/.exec(font?.dict ?? '')?.[1];
        const stream = uni ? objs.get(Number(uni))?.stream : undefined;
        if (stream) fonts.set(name, cmap(stream.toString('latin1')));
      }
    }
  }
  const decode = (hex: string, map: Map<string, string> | undefined) => {
    if (!map) return '';
    const width = [...map.keys()][0]?.length ?? 4;
    let s = '';
    for (let i = 0; i < hex.length; i += width) s += map.get(hex.slice(i, i + width).toUpperCase()) ?? '';
    return s;
  };
  const parts: string[] = [];
  for (const o of objs.values()) {
    if (!o.stream || /\/(Length1|Subtype\s*\/(Image|Type1C|CIDFontType0C|XML))/.test(o.dict) || !/BT/.test(o.stream.toString('latin1'))) continue;
    const content = o.stream.toString('latin1');
    let font: Map<string, string> | undefined;
    for (const block of content.matchAll(/BT([\s\S]*?)ET/g)) {
      let run = '';
      for (const [, name, tj] of block[1].matchAll(/\/(\w+)\s+[\d.]+\s+Tf|(\[[^\]]*\]\s*TJ|<[0-9A-Fa-f]*>\s*Tj)/g)) {
        if (name) font = fonts.get(name);
        else for (const [, hex] of tj.matchAll(/<([0-9A-Fa-f]*)>/g)) run += decode(hex, font);
      }
      parts.push(run);
    }
  }
  return parts.join(' ').replace(/\s+/g, ' ');
}
