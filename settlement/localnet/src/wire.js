'use strict';
// Solana transaction wire format: parsing of legacy and v0 transactions, and a minimal
// builder for legacy messages (enough for the faucet's transfers).
const { encode: b58 } = require('./base58');

const PACKET_DATA_SIZE = 1232;
const SIGNATURE_LEN = 64;
const PUBKEY_LEN = 32;

class WireError extends Error {}

function readShortU16(buf, off) {
  let value = 0;
  for (let size = 0; size < 3; size++) {
    if (off + size >= buf.length) throw new WireError('io error: unexpected end of file');
    const b = buf[off + size];
    value |= (b & 0x7f) << (size * 7);
    if ((b & 0x80) === 0) {
      if (size > 0 && b === 0) throw new WireError('invalid compact-u16 encoding (alias)');
      if (value > 0xffff) throw new WireError('compact-u16 overflow');
      return [value, size + 1];
    }
  }
  throw new WireError('compact-u16 too long');
}

function shortU16(n) {
  const out = [];
  let rem = n;
  for (;;) {
    let b = rem & 0x7f;
    rem >>= 7;
    if (rem === 0) {
      out.push(b);
      return Buffer.from(out);
    }
    out.push(b | 0x80);
  }
}

function take(buf, off, n) {
  if (off + n > buf.length) throw new WireError('io error: unexpected end of file');
  return buf.subarray(off, off + n);
}

/**
 * Parses a serialized (versioned or legacy) transaction.
 * Returns { signatures, message, messageBytes, messageOffset, blockhashOffset }.
 */
function parseTransaction(bytes) {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let off = 0;
  const [nsig, n0] = readShortU16(buf, off);
  off += n0;
  const signatures = [];
  for (let i = 0; i < nsig; i++) {
    signatures.push(Buffer.from(take(buf, off, SIGNATURE_LEN)));
    off += SIGNATURE_LEN;
  }
  const messageOffset = off;
  const first = take(buf, off, 1)[0];
  let version = 'legacy';
  if (first & 0x80) {
    version = first & 0x7f;
    if (version !== 0) throw new WireError(`unsupported transaction version ${version}`);
    off += 1;
  }
  const h = take(buf, off, 3);
  const header = {
    numRequiredSignatures: h[0],
    numReadonlySignedAccounts: h[1],
    numReadonlyUnsignedAccounts: h[2],
  };
  off += 3;
  const [nkeys, n1] = readShortU16(buf, off);
  off += n1;
  const accountKeys = [];
  for (let i = 0; i < nkeys; i++) {
    accountKeys.push(Buffer.from(take(buf, off, PUBKEY_LEN)));
    off += PUBKEY_LEN;
  }
  const blockhashOffset = off;
  const recentBlockhash = Buffer.from(take(buf, off, 32));
  off += 32;
  const [nix, n2] = readShortU16(buf, off);
  off += n2;
  const instructions = [];
  for (let i = 0; i < nix; i++) {
    const programIdIndex = take(buf, off, 1)[0];
    off += 1;
    const [na, n3] = readShortU16(buf, off);
    off += n3;
    const accounts = Array.from(take(buf, off, na));
    off += na;
    const [nd, n4] = readShortU16(buf, off);
    off += n4;
    const data = Buffer.from(take(buf, off, nd));
    off += nd;
    instructions.push({ programIdIndex, accounts, data });
  }
  const addressTableLookups = [];
  if (version === 0) {
    const [nl, n5] = readShortU16(buf, off);
    off += n5;
    for (let i = 0; i < nl; i++) {
      const accountKey = Buffer.from(take(buf, off, PUBKEY_LEN));
      off += PUBKEY_LEN;
      const [nw, n6] = readShortU16(buf, off);
      off += n6;
      const writableIndexes = Array.from(take(buf, off, nw));
      off += nw;
      const [nr, n7] = readShortU16(buf, off);
      off += n7;
      const readonlyIndexes = Array.from(take(buf, off, nr));
      off += nr;
      addressTableLookups.push({ accountKey, writableIndexes, readonlyIndexes });
    }
  }
  if (off !== buf.length) throw new WireError('io error: trailing bytes after transaction');
  return {
    signatures,
    message: { version, header, accountKeys, recentBlockhash, instructions, addressTableLookups },
    messageBytes: Buffer.from(buf.subarray(messageOffset)),
    messageOffset,
    blockhashOffset,
  };
}

/**
 * The checks the runtime's sanitize step makes on a message; returns an error string
 * (a TransactionError variant name) or null.
 */
function sanitize(tx) {
  const m = tx.message;
  const h = m.header;
  const nStatic = m.accountKeys.length;
  let nLoaded = 0;
  for (const l of m.addressTableLookups) {
    if (l.writableIndexes.length + l.readonlyIndexes.length === 0) return 'SanitizeFailure';
    nLoaded += l.writableIndexes.length + l.readonlyIndexes.length;
  }
  if (tx.signatures.length !== h.numRequiredSignatures) return 'SanitizeFailure';
  if (h.numRequiredSignatures > nStatic) return 'SanitizeFailure';
  if (h.numReadonlySignedAccounts >= h.numRequiredSignatures) return 'SanitizeFailure';
  if (h.numReadonlyUnsignedAccounts + h.numRequiredSignatures > nStatic) return 'SanitizeFailure';
  if (nStatic + nLoaded > 256) return 'SanitizeFailure';
  for (const ix of m.instructions) {
    if (ix.programIdIndex === 0 || ix.programIdIndex >= nStatic) return 'SanitizeFailure';
    for (const a of ix.accounts) if (a >= nStatic + nLoaded) return 'SanitizeFailure';
  }
  const seen = new Set();
  for (const k of m.accountKeys) {
    const s = k.toString('hex');
    if (seen.has(s)) return 'AccountLoadedTwice';
    seen.add(s);
  }
  return null;
}

/** True when the static key at index i is writable according to the message header. */
function isStaticWritable(message, i) {
  const h = message.header;
  if (i < h.numRequiredSignatures) return i < h.numRequiredSignatures - h.numReadonlySignedAccounts;
  return i < message.accountKeys.length - h.numReadonlyUnsignedAccounts;
}

/** Returns a copy of the serialized transaction with its recent blockhash replaced. */
function replaceBlockhash(raw, tx, blockhash) {
  const out = Buffer.from(raw);
  Buffer.from(blockhash).copy(out, tx.blockhashOffset);
  return out;
}

/**
 * Compiles a legacy message. `instructions`: [{programId: Buffer, keys: [{pubkey, isSigner,
 * isWritable}], data: Buffer}]; the fee payer is the first account.
 */
function compileLegacyMessage(feePayer, instructions, recentBlockhash) {
  const metas = new Map();
  const add = (pubkey, isSigner, isWritable) => {
    const k = pubkey.toString('hex');
    const m = metas.get(k);
    if (m) {
      m.isSigner = m.isSigner || isSigner;
      m.isWritable = m.isWritable || isWritable;
    } else metas.set(k, { pubkey: Buffer.from(pubkey), isSigner, isWritable });
  };
  add(feePayer, true, true);
  for (const ix of instructions) {
    for (const k of ix.keys) add(k.pubkey, k.isSigner, k.isWritable);
    add(ix.programId, false, false);
  }
  const all = [...metas.values()];
  const payerHex = Buffer.from(feePayer).toString('hex');
  const rank = (m) => (m.isSigner ? (m.isWritable ? 0 : 1) : m.isWritable ? 2 : 3);
  all.sort((a, b) => {
    if (a.pubkey.toString('hex') === payerHex) return -1;
    if (b.pubkey.toString('hex') === payerHex) return 1;
    return rank(a) - rank(b);
  });
  const keys = all.map((m) => m.pubkey);
  const index = new Map(all.map((m, i) => [m.pubkey.toString('hex'), i]));
  const numRequiredSignatures = all.filter((m) => m.isSigner).length;
  const numReadonlySigned = all.filter((m) => m.isSigner && !m.isWritable).length;
  const numReadonlyUnsigned = all.filter((m) => !m.isSigner && !m.isWritable).length;
  const parts = [Buffer.from([numRequiredSignatures, numReadonlySigned, numReadonlyUnsigned]), shortU16(keys.length), ...keys];
  parts.push(Buffer.from(recentBlockhash));
  parts.push(shortU16(instructions.length));
  for (const ix of instructions) {
    parts.push(Buffer.from([index.get(Buffer.from(ix.programId).toString('hex'))]));
    parts.push(shortU16(ix.keys.length));
    parts.push(Buffer.from(ix.keys.map((k) => index.get(Buffer.from(k.pubkey).toString('hex')))));
    parts.push(shortU16(ix.data.length));
    parts.push(Buffer.from(ix.data));
  }
  return { messageBytes: Buffer.concat(parts), signerKeys: keys.slice(0, numRequiredSignatures) };
}

/** Signs a compiled message with the given keypairs (in signer order) and serializes it. */
function signAndSerialize(compiled, keypairs) {
  const sigs = compiled.signerKeys.map((pk) => {
    const kp = keypairs.find((k) => k.publicKey.equals(pk));
    if (!kp) throw new Error(`missing signer ${b58(pk)}`);
    return kp.sign(compiled.messageBytes);
  });
  return Buffer.concat([shortU16(sigs.length), ...sigs, compiled.messageBytes]);
}

module.exports = {
  PACKET_DATA_SIZE,
  WireError,
  parseTransaction,
  sanitize,
  isStaticWritable,
  replaceBlockhash,
  compileLegacyMessage,
  signAndSerialize,
  shortU16,
  readShortU16,
};
