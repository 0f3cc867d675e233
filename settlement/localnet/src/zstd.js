'use strict';
// A zstd frame writer that stores data in raw (uncompressed) blocks. Node 20 has no zstd
// compressor; raw blocks are valid zstd, so clients asking for "base64+zstd" can decode it.

const MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const MAX_BLOCK = 128 * 1024;

function frame(data) {
  const n = data.length;
  let fhd;
  let fcs;
  if (n < 256) {
    fhd = 0x20; // single segment, 1-byte content size
    fcs = Buffer.from([n]);
  } else if (n < 65536 + 256) {
    fhd = 0x60;
    fcs = Buffer.alloc(2);
    fcs.writeUInt16LE(n - 256);
  } else {
    fhd = 0xa0;
    fcs = Buffer.alloc(4);
    fcs.writeUInt32LE(n);
  }
  const parts = [MAGIC, Buffer.from([fhd]), fcs];
  let off = 0;
  do {
    const len = Math.min(MAX_BLOCK, n - off);
    const last = off + len >= n ? 1 : 0;
    const h = last | (0 << 1) | (len << 3);
    parts.push(Buffer.from([h & 0xff, (h >> 8) & 0xff, (h >> 16) & 0xff]), data.subarray(off, off + len));
    off += len;
  } while (off < n);
  return Buffer.concat(parts);
}

module.exports = { frame };
