'use strict';
// Ed25519 signing and verification on Node's built-in crypto (no extra dependency).
const crypto = require('node:crypto');

const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

function privateKeyFromSeed(seed) {
  if (seed.length !== 32) throw new Error('ed25519 seed must be 32 bytes');
  return crypto.createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyFromSeed(seed) {
  const der = crypto.createPublicKey(privateKeyFromSeed(seed)).export({ format: 'der', type: 'spki' });
  return Buffer.from(der.subarray(der.length - 32));
}

/** A Solana keypair: 32-byte seed and 32-byte public key; `secretKey` is the 64-byte file form. */
class Keypair {
  constructor(seed) {
    this.seed = Buffer.from(seed);
    this.publicKey = publicKeyFromSeed(this.seed);
    this._key = privateKeyFromSeed(this.seed);
  }
  static generate() {
    return new Keypair(crypto.randomBytes(32));
  }
  static fromSecretKey(bytes) {
    const b = Buffer.from(bytes);
    if (b.length !== 64) throw new Error('secret key must be 64 bytes');
    const kp = new Keypair(b.subarray(0, 32));
    if (!kp.publicKey.equals(b.subarray(32))) throw new Error('secret key: public half does not match the seed');
    return kp;
  }
  get secretKey() {
    return Buffer.concat([this.seed, this.publicKey]);
  }
  sign(message) {
    return crypto.sign(null, message, this._key);
  }
}

const pubKeyCache = new Map();
function publicKeyObject(pub) {
  const hex = pub.toString('hex');
  let k = pubKeyCache.get(hex);
  if (k === undefined) {
    try {
      k = crypto.createPublicKey({ key: Buffer.concat([SPKI_PREFIX, pub]), format: 'der', type: 'spki' });
    } catch {
      k = null; // not a valid curve point: no signature can verify
    }
    if (pubKeyCache.size > 10000) pubKeyCache.clear();
    pubKeyCache.set(hex, k);
  }
  return k;
}

function verify(message, signature, pub) {
  const k = publicKeyObject(pub);
  if (!k || signature.length !== 64) return false;
  try {
    return crypto.verify(null, message, k, signature);
  } catch {
    return false;
  }
}

module.exports = { Keypair, verify };
