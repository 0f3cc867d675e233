'use strict';
// The Solana JSON-RPC methods (and the localnet_* test hooks) over a Chain.
const b58 = require('./base58');
const wire = require('./wire');
const token = require('./token');
const errors = require('./errors');
const zstd = require('./zstd');
const { Chain, LAMPORTS_PER_SOL } = require('./chain');

const { RpcError, RPC, invalidParams } = errors;

// The RPC API level this localnet emulates (reported by getVersion and in every context).
const SOLANA_CORE_VERSION = '2.2.20';
const FEATURE_SET = 3294202862;
const API_VERSION = SOLANA_CORE_VERSION;
const LITESVM_VERSION = require('litesvm/package.json').version;

const MAX_BASE58_TX = 1683;
const MAX_BASE64_TX = 1644;
const MAX_BASE58_ACCOUNT_BYTES = 128;
const MAX_MULTIPLE_ACCOUNTS = 100;
const MAX_SIGNATURE_STATUSES = 256;
const MAX_SIGNATURES_FOR_ADDRESS = 1000;
const MAX_PRIORITIZATION_FEE_ACCOUNTS = 128;
const MEMO_PROGRAMS = new Set(['MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr', 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);

// ------------------------------------------------------------------ param helpers

function typeName(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'sequence';
  if (typeof v === 'object') return 'map';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'floating point';
  return typeof v === 'string' ? 'string' : typeof v;
}

function paramList(params) {
  if (params === undefined || params === null) return [];
  if (!Array.isArray(params)) throw invalidParams(`Invalid params: invalid type: ${typeName(params)}, expected a sequence`);
  return params;
}

function required(params, i, what) {
  if (params.length <= i || params[i] === undefined) throw invalidParams(`Invalid params: invalid length ${params.length}, expected ${what}`);
  return params[i];
}

function config(params, i) {
  const c = params[i];
  if (c === undefined || c === null) return {};
  if (typeof c !== 'object' || Array.isArray(c)) throw invalidParams(`Invalid params: invalid type: ${typeName(c)}, expected a config object`);
  return c;
}

function pubkeyParam(s) {
  if (typeof s !== 'string') throw invalidParams(`Invalid params: invalid type: ${typeName(s)}, expected a string`);
  let b;
  try {
    b = b58.decode(s);
  } catch {
    throw invalidParams('Invalid param: Invalid');
  }
  if (b.length !== 32) throw invalidParams('Invalid param: WrongSize');
  return b;
}

function signatureParam(s) {
  if (typeof s !== 'string') throw invalidParams(`Invalid params: invalid type: ${typeName(s)}, expected a string`);
  let b;
  try {
    b = b58.decode(s);
  } catch {
    throw invalidParams('Invalid param: Invalid');
  }
  if (b.length !== 64) throw invalidParams('Invalid param: WrongSize');
  return s;
}

function u64Param(v, what) {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw invalidParams(`Invalid params: invalid type: ${typeName(v)}, expected ${what}`);
  }
  return v;
}

function boolOpt(v, name) {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw invalidParams(`Invalid params: invalid type: ${typeName(v)} for \`${name}\`, expected a boolean`);
  return v;
}

// ------------------------------------------------------------------ the method table

class Rpc {
  /**
   * @param {Chain} chain
   * @param {object} control  {pause(), resume(), paused()} for block production
   */
  constructor(chain, control = {}) {
    this.chain = chain;
    this.control = control;
    this.methods = {
      getHealth: () => 'ok',
      getVersion: () => ({ 'solana-core': SOLANA_CORE_VERSION, 'feature-set': FEATURE_SET, litesvm: LITESVM_VERSION }),
      getSlot: (p) => this.view(config(p, 0)).slot,
      getBlockHeight: (p) => this.view(config(p, 0)).height,
      getLatestBlockhash: (p) => this.getLatestBlockhash(p),
      isBlockhashValid: (p) => this.isBlockhashValid(p),
      sendTransaction: (p) => this.sendTransaction(p),
      simulateTransaction: (p) => this.simulateTransaction(p),
      getSignatureStatuses: (p) => this.getSignatureStatuses(p),
      getTransaction: (p) => this.getTransaction(p),
      getAccountInfo: (p) => this.getAccountInfo(p),
      getBalance: (p) => this.getBalance(p),
      getTokenAccountBalance: (p) => this.getTokenAccountBalance(p),
      requestAirdrop: (p) => this.requestAirdrop(p),
      getMultipleAccounts: (p) => this.getMultipleAccounts(p),
      getSignaturesForAddress: (p) => this.getSignaturesForAddress(p),
      getRecentPrioritizationFees: (p) => this.getRecentPrioritizationFees(p),
      getEpochInfo: (p) => this.getEpochInfo(p),
      getGenesisHash: () => this.chain.genesisHash,
      getIdentity: () => ({ identity: b58.encode(this.chain.faucet.publicKey) }),
      getMinimumBalanceForRentExemption: (p) => this.getMinimumBalanceForRentExemption(p),
      getFeeForMessage: (p) => this.getFeeForMessage(p),
      getTokenAccountsByOwner: (p) => this.getTokenAccountsByOwner(p),
      getTokenSupply: (p) => this.getTokenSupply(p),
      getProgramAccounts: (p) => this.getProgramAccounts(p),
      getBlockTime: (p) => this.getBlockTime(p),
      getFirstAvailableBlock: () => this.chain.blocks[0].slot,
      getTransactionCount: (p) => {
        this.view(config(p, 0));
        return this.chain.stats.landed;
      },
      // Test hooks (not part of the Solana RPC).
      localnet_advanceBlocks: (p) => this.hookAdvance(p),
      localnet_dropNextTransactions: (p) => this.hookDrop(p),
      localnet_delayNextTransactions: (p) => this.hookDelay(p),
      localnet_pause: () => {
        if (this.control.pause) this.control.pause();
        return { paused: true };
      },
      localnet_resume: () => {
        if (this.control.resume) this.control.resume();
        return { paused: false };
      },
      localnet_status: () => ({ ...this.chain.status(), paused: this.control.paused ? this.control.paused() : null }),
      localnet_save: () => {
        this.chain.save();
        return { saved: this.chain.opts.stateFile };
      },
    };
  }

  /** Executes one method; returns the result or throws RpcError. */
  call(method, params) {
    const fn = Object.prototype.hasOwnProperty.call(this.methods, method) ? this.methods[method] : null;
    if (!fn) throw new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found');
    if (params === undefined || params === null) return fn([]);
    if (!Array.isArray(params) && !method.startsWith('localnet_')) {
      throw invalidParams(`Invalid params: invalid type: ${typeName(params)}, expected a sequence`);
    }
    return fn(params);
  }

  // ---------------------------------------------------------------- shared

  /** The block a read sees, honouring `commitment` and `minContextSlot`. */
  view(cfg) {
    const block = this.chain.viewBlock(Chain.parseCommitment(cfg.commitment));
    if (cfg.minContextSlot !== undefined && cfg.minContextSlot !== null) {
      u64Param(cfg.minContextSlot, 'u64 for `minContextSlot`');
      if (block.slot < cfg.minContextSlot) {
        throw new RpcError(RPC.MIN_CONTEXT_SLOT_NOT_REACHED, 'Minimum context slot has not been reached', { contextSlot: block.slot });
      }
    }
    return block;
  }

  static context(block) {
    return { slot: block.slot, apiVersion: API_VERSION };
  }

  encodeAccount(snap, encoding, dataSlice) {
    if (!snap) return null;
    let data = snap.data;
    if (dataSlice) {
      if (typeof dataSlice !== 'object') throw invalidParams('Invalid params: invalid type for `dataSlice`, expected {offset, length}');
      const off = u64Param(dataSlice.offset, 'usize for `offset`');
      const len = u64Param(dataSlice.length, 'usize for `length`');
      data = data.subarray(Math.min(off, data.length), Math.min(off + len, data.length));
    }
    let out;
    switch (encoding ?? 'binary') {
      case 'binary':
      case 'base58':
        if (data.length > MAX_BASE58_ACCOUNT_BYTES) {
          throw new RpcError(
            RPC.INVALID_REQUEST,
            `Encoded binary (base 58) data should be less than ${MAX_BASE58_ACCOUNT_BYTES} bytes, please use Base64 encoding.`,
          );
        }
        out = encoding === 'base58' ? [b58.encode(data), 'base58'] : b58.encode(data);
        break;
      case 'base64':
        out = [data.toString('base64'), 'base64'];
        break;
      case 'base64+zstd':
        out = [zstd.frame(data).toString('base64'), 'base64+zstd'];
        break;
      case 'jsonParsed': {
        const parsed = dataSlice ? null : token.jsonParsed(snap.owner, snap.data, (m) => this.chain.getMint(m));
        out = parsed || [data.toString('base64'), 'base64'];
        break;
      }
      default:
        throw invalidParams(`Invalid params: unknown variant \`${encoding}\`, expected one of \`binary\`, \`base58\`, \`base64\`, \`jsonParsed\`, \`base64+zstd\``);
    }
    return {
      data: out,
      executable: snap.executable,
      lamports: Number(snap.lamports),
      owner: snap.owner,
      rentEpoch: snap.rentEpoch,
      space: snap.data.length,
    };
  }

  /** Decodes the wire transaction given to sendTransaction/simulateTransaction. */
  static decodeTransaction(data, encoding) {
    if (typeof data !== 'string') throw invalidParams(`Invalid params: invalid type: ${typeName(data)}, expected a string`);
    const enc = encoding ?? 'base58';
    let raw;
    if (enc === 'base58') {
      if (data.length > MAX_BASE58_TX) {
        throw invalidParams(`base58 encoded solana_transaction::versioned::VersionedTransaction too large: ${data.length} bytes (max: encoded/raw ${MAX_BASE58_TX}/${wire.PACKET_DATA_SIZE})`);
      }
      try {
        raw = b58.decode(data);
      } catch (e) {
        throw invalidParams(`invalid base58 encoding: ${e.message}`);
      }
    } else if (enc === 'base64') {
      if (data.length > MAX_BASE64_TX) {
        throw invalidParams(`base64 encoded solana_transaction::versioned::VersionedTransaction too large: ${data.length} bytes (max: encoded/raw ${MAX_BASE64_TX}/${wire.PACKET_DATA_SIZE})`);
      }
      if (data.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(data)) throw invalidParams('invalid base64 encoding: InvalidByte or InvalidLength');
      raw = Buffer.from(data, 'base64');
    } else {
      throw invalidParams(`unsupported encoding: ${enc}. Supported encodings: base58, base64`);
    }
    if (raw.length > wire.PACKET_DATA_SIZE) {
      throw invalidParams(`decoded solana_transaction::versioned::VersionedTransaction too large: ${raw.length} bytes (max: ${wire.PACKET_DATA_SIZE} bytes)`);
    }
    let tx;
    try {
      tx = wire.parseTransaction(raw);
    } catch (e) {
      throw invalidParams(`failed to deserialize solana_transaction::versioned::VersionedTransaction: ${e.message}`);
    }
    const bad = tx.message.header.numRequiredSignatures === 0 ? 'SanitizeFailure' : wire.sanitize(tx);
    if (bad) throw invalidParams(`invalid transaction: ${errors.message(bad)}`);
    return { tx, raw };
  }

  // ---------------------------------------------------------------- blocks

  getLatestBlockhash(p) {
    const block = this.view(config(paramList(p), 0));
    return {
      context: Rpc.context(block),
      value: { blockhash: block.blockhash, lastValidBlockHeight: this.chain.lastValidBlockHeight(block) },
    };
  }

  isBlockhashValid(p) {
    const params = paramList(p);
    const hash = required(params, 0, 'a blockhash');
    if (typeof hash !== 'string') throw invalidParams(`Invalid params: invalid type: ${typeName(hash)}, expected a string`);
    try {
      if (b58.decode(hash).length !== 32) throw new Error('size');
    } catch {
      throw invalidParams('Invalid param: Invalid');
    }
    const block = this.view(config(params, 1));
    return { context: Rpc.context(block), value: this.chain.blockhashValidAt(hash, block.height) };
  }

  getEpochInfo(p) {
    const block = this.view(config(paramList(p), 0));
    const slotsInEpoch = 432000;
    return {
      absoluteSlot: block.slot,
      blockHeight: block.height,
      epoch: Math.floor(block.slot / slotsInEpoch),
      slotIndex: block.slot % slotsInEpoch,
      slotsInEpoch,
      transactionCount: this.chain.stats.landed,
    };
  }

  getBlockTime(p) {
    const params = paramList(p);
    const slot = u64Param(required(params, 0, 'a slot'), 'u64 slot');
    const blk = this.chain.blocks.find((b) => b.slot === slot);
    if (!blk || blk.height > this.chain.viewBlock('confirmed').height) {
      throw new RpcError(RPC.BLOCK_NOT_AVAILABLE, `Block not available for slot ${slot}`);
    }
    return blk.blockTime;
  }

  // ---------------------------------------------------------------- transactions

  sendTransaction(p) {
    const params = paramList(p);
    const data = required(params, 0, 'a transaction');
    const cfg = config(params, 1);
    const { tx, raw } = Rpc.decodeTransaction(data, cfg.encoding);
    const skipPreflight = boolOpt(cfg.skipPreflight, 'skipPreflight');
    const preflightCommitment = Chain.parseCommitment(cfg.preflightCommitment);
    if (!skipPreflight) this.view({ commitment: preflightCommitment, minContextSlot: cfg.minContextSlot });
    if (cfg.maxRetries !== undefined && cfg.maxRetries !== null) u64Param(cfg.maxRetries, 'usize for `maxRetries`');
    return this.chain.submit(tx, raw, { skipPreflight, preflightCommitment });
  }

  simulateTransaction(p) {
    const params = paramList(p);
    const data = required(params, 0, 'a transaction');
    const cfg = config(params, 1);
    const sigVerify = boolOpt(cfg.sigVerify, 'sigVerify');
    const replaceRecentBlockhash = boolOpt(cfg.replaceRecentBlockhash, 'replaceRecentBlockhash');
    if (sigVerify && replaceRecentBlockhash) throw invalidParams('sigVerify may not be used with replaceRecentBlockhash');
    const { tx, raw } = Rpc.decodeTransaction(data, cfg.encoding);
    const commitment = Chain.parseCommitment(cfg.commitment);
    const block = this.view({ commitment, minContextSlot: cfg.minContextSlot });
    let accountsCfg = null;
    if (cfg.accounts !== undefined && cfg.accounts !== null) {
      accountsCfg = cfg.accounts;
      if (typeof accountsCfg !== 'object' || !Array.isArray(accountsCfg.addresses)) {
        throw invalidParams('Invalid params: `accounts` must be {addresses: [...], encoding}');
      }
      const enc = accountsCfg.encoding ?? 'base64';
      if (enc === 'binary' || enc === 'base58') throw invalidParams('base58 encoding not supported');
      accountsCfg.addresses.forEach(pubkeyParam);
    }
    const sim = this.chain.simulate(tx, raw, { commitment, sigVerify, replaceRecentBlockhash });
    const value = { ...sim.result };
    if (accountsCfg) {
      if (value.err) value.accounts = null;
      else {
        value.accounts = accountsCfg.addresses.map((a) => {
          const snap = sim.postAccounts.has(a) ? sim.postAccounts.get(a) : this.chain.getAccount(b58.decode(a), commitment);
          return this.encodeAccount(snap && snap.lamports > 0n ? snap : null, accountsCfg.encoding ?? 'base64');
        });
      }
    }
    if (boolOpt(cfg.innerInstructions, 'innerInstructions')) value.innerInstructions = sim.innerInstructions || [];
    return { context: Rpc.context(block), value };
  }

  getSignatureStatuses(p) {
    const params = paramList(p);
    const sigs = required(params, 0, 'an array of signatures');
    if (!Array.isArray(sigs)) throw invalidParams(`Invalid params: invalid type: ${typeName(sigs)}, expected a sequence`);
    if (sigs.length > MAX_SIGNATURE_STATUSES) throw invalidParams(`Too many inputs provided; max ${MAX_SIGNATURE_STATUSES}`);
    const cfg = config(params, 1);
    const search = boolOpt(cfg.searchTransactionHistory, 'searchTransactionHistory');
    sigs.forEach(signatureParam);
    const block = this.chain.viewBlock('processed');
    return { context: Rpc.context(block), value: sigs.map((s) => this.chain.signatureStatus(s, search)) };
  }

  static historyCommitment(cfg) {
    const c = Chain.parseCommitment(cfg.commitment);
    if (c === 'processed') throw invalidParams('Method does not support commitment below `confirmed`');
    return c;
  }

  getTransaction(p) {
    const params = paramList(p);
    const sig = signatureParam(required(params, 0, 'a signature'));
    const cfg = typeof params[1] === 'string' ? { encoding: params[1] } : config(params, 1);
    const commitment = Rpc.historyCommitment(cfg);
    const encoding = cfg.encoding ?? 'json';
    if (!['json', 'jsonParsed', 'base64', 'base58'].includes(encoding)) {
      throw invalidParams(`Invalid params: unknown variant \`${encoding}\`, expected one of \`binary\`, \`base64\`, \`base58\`, \`json\`, \`jsonParsed\``);
    }
    const maxVersion = cfg.maxSupportedTransactionVersion;
    if (maxVersion !== undefined && maxVersion !== null) u64Param(maxVersion, 'u8 for `maxSupportedTransactionVersion`');
    const rec = this.chain.txs.get(sig);
    if (!rec || !this.chain.reached(rec, commitment)) return null;
    if (rec.version !== 'legacy' && (maxVersion === undefined || maxVersion === null || maxVersion < rec.version)) {
      throw new RpcError(
        RPC.UNSUPPORTED_TRANSACTION_VERSION,
        `Transaction version (${rec.version}) is not supported by the requesting client. Please try the request again with the following configuration parameter: "maxSupportedTransactionVersion": ${rec.version}`,
      );
    }
    const raw = Buffer.from(rec.raw, 'base64');
    const tx = wire.parseTransaction(raw);
    const parsed = encoding === 'jsonParsed';
    let transaction;
    if (encoding === 'base64') transaction = [rec.raw, 'base64'];
    else if (encoding === 'base58') transaction = [b58.encode(raw), 'base58'];
    else transaction = Rpc.uiTransaction(tx, rec, parsed);
    const innerInstructions = parsed
      ? rec.innerInstructions.map((g) => ({ index: g.index, instructions: g.instructions.map((ix) => Rpc.parsedInstruction(ix, rec.accountKeys)) }))
      : rec.innerInstructions;
    const meta = {
      err: rec.err,
      status: rec.err ? { Err: rec.err } : { Ok: null },
      fee: rec.fee,
      preBalances: rec.preBalances,
      postBalances: rec.postBalances,
      innerInstructions,
      logMessages: rec.logs,
      preTokenBalances: rec.preTokenBalances,
      postTokenBalances: rec.postTokenBalances,
      rewards: [],
    };
    if (!parsed || rec.version !== 'legacy') meta.loadedAddresses = rec.loadedAddresses;
    if (rec.returnData) meta.returnData = rec.returnData;
    meta.computeUnitsConsumed = rec.computeUnitsConsumed;
    const out = { slot: rec.slot, transaction, meta, blockTime: rec.blockTime };
    if (maxVersion !== undefined && maxVersion !== null) out.version = rec.version;
    return out;
  }

  /** A compiled instruction in jsonParsed form: memos are parsed, others partially decoded. */
  static parsedInstruction(ix, keys) {
    const programId = keys[ix.programIdIndex];
    const data = typeof ix.data === 'string' ? b58.decode(ix.data) : ix.data;
    const stackHeight = ix.stackHeight ?? null;
    if (MEMO_PROGRAMS.has(programId)) return { parsed: data.toString('utf8'), program: 'spl-memo', programId, stackHeight };
    return { accounts: ix.accounts.map((i) => keys[i]), data: b58.encode(data), programId, stackHeight };
  }

  static uiTransaction(tx, rec, parsed) {
    const m = tx.message;
    const message = parsed
      ? {
          accountKeys: rec.accountKeys.map((k, i) => ({
            pubkey: k,
            signer: i < m.header.numRequiredSignatures,
            source: i < m.accountKeys.length ? 'transaction' : 'lookupTable',
            writable: rec.writable[i],
          })),
          instructions: m.instructions.map((ix) => Rpc.parsedInstruction(ix, rec.accountKeys)),
          recentBlockhash: b58.encode(m.recentBlockhash),
        }
      : {
          accountKeys: m.accountKeys.map((k) => b58.encode(k)),
          header: m.header,
          instructions: m.instructions.map((ix) => ({
            accounts: ix.accounts,
            data: b58.encode(ix.data),
            programIdIndex: ix.programIdIndex,
            stackHeight: null,
          })),
          recentBlockhash: b58.encode(m.recentBlockhash),
        };
    if (m.version !== 'legacy') {
      message.addressTableLookups = m.addressTableLookups.map((l) => ({
        accountKey: b58.encode(l.accountKey),
        writableIndexes: l.writableIndexes,
        readonlyIndexes: l.readonlyIndexes,
      }));
    }
    return { message, signatures: tx.signatures.map((s) => b58.encode(s)) };
  }

  getSignaturesForAddress(p) {
    const params = paramList(p);
    const address = b58.encode(pubkeyParam(required(params, 0, 'an address')));
    const cfg = config(params, 1);
    const commitment = Rpc.historyCommitment(cfg);
    this.view({ commitment, minContextSlot: cfg.minContextSlot });
    let limit = MAX_SIGNATURES_FOR_ADDRESS;
    if (cfg.limit !== undefined && cfg.limit !== null) {
      limit = u64Param(cfg.limit, 'usize for `limit`');
      if (limit < 1 || limit > MAX_SIGNATURES_FOR_ADDRESS) throw invalidParams(`Invalid limit; max ${MAX_SIGNATURES_FOR_ADDRESS}`);
    }
    const before = cfg.before == null ? null : signatureParam(cfg.before);
    const until = cfg.until == null ? null : signatureParam(cfg.until);
    const list = this.chain.addressIndex.get(address) || [];
    const out = [];
    let started = before === null;
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
      const sig = list[i];
      if (!started) {
        if (sig === before) started = true;
        continue;
      }
      if (sig === until) break;
      const rec = this.chain.txs.get(sig);
      if (!rec || !this.chain.reached(rec, commitment)) continue;
      out.push({
        signature: sig,
        slot: rec.slot,
        err: rec.err,
        memo: rec.memo,
        blockTime: rec.blockTime,
        confirmationStatus: this.chain.statusOf(rec.height),
      });
    }
    return out;
  }

  getRecentPrioritizationFees(p) {
    const params = paramList(p);
    const addrs = params[0] === undefined || params[0] === null ? [] : params[0];
    if (!Array.isArray(addrs)) throw invalidParams(`Invalid params: invalid type: ${typeName(addrs)}, expected a sequence`);
    if (addrs.length > MAX_PRIORITIZATION_FEE_ACCOUNTS) throw invalidParams(`Too many inputs provided; max ${MAX_PRIORITIZATION_FEE_ACCOUNTS}`);
    return this.chain.recentPrioritizationFees(addrs.map((a) => b58.encode(pubkeyParam(a))));
  }

  getFeeForMessage(p) {
    const params = paramList(p);
    const msg = required(params, 0, 'a message');
    if (typeof msg !== 'string') throw invalidParams(`Invalid params: invalid type: ${typeName(msg)}, expected a string`);
    const block = this.view(config(params, 1));
    let tx;
    try {
      const bytes = Buffer.from(msg, 'base64');
      // Parse as a transaction whose signatures are all zero.
      const nsig = (bytes[0] & 0x80 ? bytes[1] : bytes[0]) ?? 0;
      tx = wire.parseTransaction(Buffer.concat([wire.shortU16(nsig), Buffer.alloc(64 * nsig), bytes]));
    } catch (e) {
      throw invalidParams(`invalid message: ${e.message}`);
    }
    const valid = this.chain.blockhashValidAt(b58.encode(tx.message.recentBlockhash), block.height);
    return { context: Rpc.context(block), value: valid ? Chain.fee(tx) : null };
  }

  // ---------------------------------------------------------------- accounts

  getAccountInfo(p) {
    const params = paramList(p);
    const pubkey = pubkeyParam(required(params, 0, 'a pubkey'));
    const cfg = config(params, 1);
    const commitment = Chain.parseCommitment(cfg.commitment);
    const block = this.view(cfg);
    const value = this.encodeAccount(this.chain.getAccount(pubkey, commitment), cfg.encoding, cfg.dataSlice);
    return { context: Rpc.context(block), value };
  }

  getMultipleAccounts(p) {
    const params = paramList(p);
    const keys = required(params, 0, 'an array of pubkeys');
    if (!Array.isArray(keys)) throw invalidParams(`Invalid params: invalid type: ${typeName(keys)}, expected a sequence`);
    if (keys.length > MAX_MULTIPLE_ACCOUNTS) throw invalidParams(`Too many inputs provided; max ${MAX_MULTIPLE_ACCOUNTS}`);
    const pubkeys = keys.map(pubkeyParam);
    const cfg = config(params, 1);
    const commitment = Chain.parseCommitment(cfg.commitment);
    const block = this.view(cfg);
    const value = pubkeys.map((k) => this.encodeAccount(this.chain.getAccount(k, commitment), cfg.encoding, cfg.dataSlice));
    return { context: Rpc.context(block), value };
  }

  getBalance(p) {
    const params = paramList(p);
    const pubkey = pubkeyParam(required(params, 0, 'a pubkey'));
    const cfg = config(params, 1);
    const commitment = Chain.parseCommitment(cfg.commitment);
    const block = this.view(cfg);
    const acc = this.chain.getAccount(pubkey, commitment);
    return { context: Rpc.context(block), value: acc ? Number(acc.lamports) : 0 };
  }

  getTokenAccountBalance(p) {
    const params = paramList(p);
    const pubkey = pubkeyParam(required(params, 0, 'a pubkey'));
    const cfg = config(params, 1);
    const commitment = Chain.parseCommitment(cfg.commitment);
    const block = this.view(cfg);
    const acc = this.chain.getAccount(pubkey, commitment);
    if (!acc) throw invalidParams('Invalid param: could not find account');
    const ta = token.decodeTokenAccount(acc.owner, acc.data);
    if (!ta) throw invalidParams('Invalid param: not a Token account');
    const mint = this.chain.getMint(ta.mint);
    if (!mint) throw invalidParams('Invalid param: could not find mint');
    return { context: Rpc.context(block), value: token.uiTokenAmount(ta.amount, mint.decimals) };
  }

  getTokenSupply(p) {
    const params = paramList(p);
    const pubkey = pubkeyParam(required(params, 0, 'a mint'));
    const cfg = config(params, 1);
    const commitment = Chain.parseCommitment(cfg.commitment);
    const block = this.view(cfg);
    const acc = this.chain.getAccount(pubkey, commitment);
    if (!acc) throw invalidParams('Invalid param: could not find account');
    const mint = token.decodeMint(acc.owner, acc.data);
    if (!mint) throw invalidParams('Invalid param: not a Token mint');
    return { context: Rpc.context(block), value: token.uiTokenAmount(mint.supply, mint.decimals) };
  }

  getTokenAccountsByOwner(p) {
    const params = paramList(p);
    const owner = b58.encode(pubkeyParam(required(params, 0, 'an owner')));
    const filter = required(params, 1, 'a filter');
    if (typeof filter !== 'object' || filter === null) throw invalidParams('Invalid params: expected {mint} or {programId}');
    const cfg = config(params, 2);
    const commitment = Chain.parseCommitment(cfg.commitment);
    const block = this.view(cfg);
    let programIds;
    let mint = null;
    if (filter.mint !== undefined) {
      mint = b58.encode(pubkeyParam(filter.mint));
      const m = this.chain.getAccount(b58.decode(mint), commitment);
      if (!m || !token.decodeMint(m.owner, m.data)) throw invalidParams('Invalid param: could not find mint');
      programIds = [m.owner];
    } else if (filter.programId !== undefined) {
      const pid = b58.encode(pubkeyParam(filter.programId));
      if (!token.isTokenProgram(pid)) throw invalidParams('Invalid param: unrecognized Token program id');
      programIds = [pid];
    } else throw invalidParams('Invalid params: expected {mint} or {programId}');
    const value = [];
    for (const pid of programIds) {
      for (const { pubkey, account } of this.chain.getProgramAccounts(b58.decode(pid), commitment)) {
        const ta = token.decodeTokenAccount(account.owner, account.data);
        if (!ta || ta.owner !== owner || (mint && ta.mint !== mint)) continue;
        value.push({ pubkey: b58.encode(pubkey), account: this.encodeAccount(account, cfg.encoding ?? 'binary', cfg.dataSlice) });
      }
    }
    return { context: Rpc.context(block), value };
  }

  getProgramAccounts(p) {
    const params = paramList(p);
    const program = pubkeyParam(required(params, 0, 'a program id'));
    const cfg = config(params, 1);
    const commitment = Chain.parseCommitment(cfg.commitment);
    const block = this.view(cfg);
    const filters = cfg.filters ?? [];
    if (!Array.isArray(filters)) throw invalidParams('Invalid params: `filters` must be an array');
    const matches = (data) => filters.every((f) => {
      if (f.dataSize !== undefined) return data.length === f.dataSize;
      if (f.memcmp) {
        const { offset, bytes, encoding } = f.memcmp;
        const want = encoding === 'base64' ? Buffer.from(bytes, 'base64') : b58.decode(bytes);
        return data.length >= offset + want.length && data.subarray(offset, offset + want.length).equals(want);
      }
      throw invalidParams(`Invalid params: unsupported filter ${JSON.stringify(f)}`);
    });
    const value = this.chain
      .getProgramAccounts(program, commitment)
      .filter(({ account }) => matches(account.data))
      .map(({ pubkey, account }) => ({ pubkey: b58.encode(pubkey), account: this.encodeAccount(account, cfg.encoding, cfg.dataSlice) }));
    return cfg.withContext ? { context: Rpc.context(block), value } : value;
  }

  getMinimumBalanceForRentExemption(p) {
    const params = paramList(p);
    const len = u64Param(required(params, 0, 'a data length'), 'usize');
    return Number(this.chain.minimumBalanceForRentExemption(len));
  }

  requestAirdrop(p) {
    const params = paramList(p);
    const pubkey = pubkeyParam(required(params, 0, 'a pubkey'));
    const lamports = u64Param(required(params, 1, 'lamports'), 'u64 lamports');
    if (lamports === 0) throw invalidParams('Invalid params: lamports must be > 0');
    if (lamports > 1000 * LAMPORTS_PER_SOL) throw invalidParams('Invalid params: airdrop is limited to 1000 SOL per request');
    this.view(config(params, 2));
    return this.chain.airdrop(pubkey, lamports);
  }

  // ---------------------------------------------------------------- hooks

  static hookArgs(p, names) {
    if (p === undefined || p === null) return {};
    if (Array.isArray(p)) {
      if (p.length === 1 && typeof p[0] === 'object' && p[0] !== null) return p[0];
      return Object.fromEntries(names.map((n, i) => [n, p[i]]));
    }
    if (typeof p === 'object') return p;
    throw invalidParams('Invalid params: expected an object or an array');
  }

  static countArg(v, name, dflt) {
    if (v === undefined || v === null) return dflt;
    if (!Number.isSafeInteger(v) || v < 0 || v > 100000) throw invalidParams(`Invalid params: \`${name}\` must be an integer 0..100000`);
    return v;
  }

  hookAdvance(p) {
    const a = Rpc.hookArgs(p, ['count']);
    const count = Rpc.countArg(a.count, 'count', 1);
    const tip = this.chain.advance(count);
    return { slot: tip.slot, blockHeight: tip.height, blockhash: tip.blockhash };
  }

  hookDrop(p) {
    const a = Rpc.hookArgs(p, ['count']);
    this.chain.hooks.drop = Rpc.countArg(a.count, 'count', 1);
    this.chain.dirty = true;
    return { pendingDrops: this.chain.hooks.drop };
  }

  hookDelay(p) {
    const a = Rpc.hookArgs(p, ['count', 'blocks']);
    this.chain.hooks.delayCount = Rpc.countArg(a.count, 'count', 1);
    this.chain.hooks.delayBlocks = Math.max(1, Rpc.countArg(a.blocks, 'blocks', 1));
    this.chain.dirty = true;
    return { pendingDelays: this.chain.hooks.delayCount, blocks: this.chain.hooks.delayBlocks };
  }
}

module.exports = { Rpc, API_VERSION, SOLANA_CORE_VERSION };
