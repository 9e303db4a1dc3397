/**
 * A minimal tar writer for test fixtures: ustar headers, optional GNU long-name and pax entries.
 * @module
 */
const enc = new TextEncoder();

/** One 512-byte ustar header with a valid checksum. */
export function header(
  name: string,
  size: number,
  typeflag: string,
  magic = "ustar\x0000",
): Uint8Array {
  const h = new Uint8Array(512);
  const put = (off: number, s: string) => h.set(enc.encode(s), off);
  put(0, name.slice(0, 100));
  put(100, "0000644\0");
  put(108, "0001750\0");
  put(116, "0001750\0");
  put(124, size.toString(8).padStart(11, "0") + "\0");
  put(136, "14712345670\0");
  put(156, typeflag);
  put(257, magic);
  h.fill(0x20, 148, 156);
  const sum = h.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return h;
}

/** `data` padded with zeros to whole 512-byte blocks. */
export function padded(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(data.length / 512) * 512);
  out.set(data);
  return out;
}

/** One archive member for {@link writeTar}. */
export type Member = {
  name: string;
  data?: Uint8Array;
  type?: string;
  longName?: boolean;
  pax?: boolean;
};

/** A whole archive: the members, then `endBlocks` zero blocks. */
export function writeTar(members: Member[], endBlocks = 2): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const m of members) {
    const data = m.data ?? new Uint8Array(0);
    if (m.longName) {
      const n = enc.encode(m.name + "\0");
      blocks.push(header("././@LongLink", n.length, "L", "ustar  \0"), padded(n));
    }
    if (m.pax) {
      const body = `path=${m.name}\n`;
      // The length prefix counts its own digits: "NN path=...\n".
      let len = body.length + 2;
      while (len !== body.length + 1 + String(len).length) {
        len = body.length + 1 + String(len).length;
      }
      const bytes = enc.encode(`${len} ${body}`);
      blocks.push(header("PaxHeaders/x", bytes.length, "x"), padded(bytes));
    }
    blocks.push(header(m.name, data.length, m.type ?? "0"), padded(data));
  }
  blocks.push(new Uint8Array(512 * endBlocks));
  const out = new Uint8Array(blocks.reduce((a, b) => a + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}
