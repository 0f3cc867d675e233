'use strict';
// The emulated chain around a LiteSVM instance: blocks, blockhashes and their validity window,
// commitment levels, the status cache, transaction history, test hooks and persistence.
//
// LiteSVM executes transactions but has no blocks and accepts only its own latest blockhash.
// Here, LiteSVM's blockhash check is switched off and this module decides admission itself:
// signatures are verified with Ed25519, the recent blockhash must be one of the blockhashes of
// the last MAX_PROCESSING_AGE blocks, and the signature must not be in the status cache.
//
// Model: the tip block (slot S, height H, blockhash B) is the bank being filled; a transaction
// sent now executes at once and lands in it ("processed"). When the next block is produced the
// tip becomes "confirmed" (1 block deep); at finalizeDepth blocks deep it is "finalized".
// Account reads at confirmed/finalized commitment undo the changes made in the newer blocks:
// each block keeps the pre-block state of every account its transactions changed.

const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');
const { EventEmitter } = require('node:events');
const { LiteSvm, Account, Clock } = require('litesvm/dist/internal');
const b58 = require('./base58');
const wire = require('./wire');
const { Keypair, verify } = require('./ed25519');
const errors = require('./errors');
const token = require('./token');

const MAX_PROCESSING_AGE = 150; // blocks a blockhash stays valid (lastValidBlockHeight = height + 150)
const STATUS_CACHE_BLOCKS = 300; // getSignatureStatuses without searchTransactionHistory sees this far back
const PRIORITIZATION_FEE_BLOCKS = 150;
const SLOTS_PER_EPOCH = 432000;
const U64_MAX = 18446744073709551615n;
const LAMPORTS_PER_SOL = 1_000_000_000;
const FAUCET_LAMPORTS = 1_000_000n * 1_000_000_000n; // 1M SOL, stays below 2^53 lamports
const LAMPORTS_PER_SIGNATURE = 5000;
const STATE_FORMAT = 'quantdesk-localnet-state';
const STATE_VERSION = 1;

const SYSTEM_PROGRAM = Buffer.alloc(32);
const COMPUTE_BUDGET_PROGRAM = 'ComputeBudget111111111111111111111111111111';
const MEMO_PROGRAMS = new Set(['MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr', 'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo']);
const LOOKUP_TABLE_META_SIZE = 56;

const COMMITMENTS = ['processed', 'confirmed', 'finalized'];

function u64le(n) {
  const b = Buffer.alloc(8);
  b.writeBigUInt64LE(BigInt(n));
  return b;
}

function snapshotToJson(s) {
  if (!s) return null;
  return {
    lamports: s.lamports.toString(),
    data: s.data.toString('base64'),
    owner: s.owner,
    executable: s.executable,
    rentEpoch: s.rentEpoch.toString(),
  };
}

function snapshotFromJson(j) {
  if (!j) return null;
  return {
    lamports: BigInt(j.lamports),
    data: Buffer.from(j.data, 'base64'),
    owner: j.owner,
    executable: !!j.executable,
    rentEpoch: BigInt(j.rentEpoch),
  };
}

function sameSnapshot(a, b) {
  if (!a || !b) return !a && !b;
  return a.lamports === b.lamports && a.owner === b.owner && a.executable === b.executable && a.data.equals(b.data);
}

/** Writes `content` to `file` atomically: temp file in the same directory, fsync, rename. */
function writeFileAtomic(file, content) {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, content);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  try {
    const dfd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(dfd);
    } finally {
      fs.closeSync(dfd);
    }
  } catch {
    // directory fsync is best effort (not supported everywhere)
  }
}

class Chain extends EventEmitter {
  /**
   * @param {object} opts
   * @param {string|null} opts.stateFile   where state persists; null keeps it in memory only
   * @param {number} opts.finalizeDepth    blocks until a block is finalized (>= 1)
   * @param {number} opts.blockMs          block interval, used to bound lost blocks after a crash
   * @param {number} opts.skipSlotEvery    every Nth block skips a slot (0 = never)
   * @param {number} opts.txHistory        how many transactions the history keeps
   * @param {number} opts.idleSaveMs       persist at least this often while blocks are produced (a
   *                                       state file is rewritten at once whenever a block changed
   *                                       something; this only bounds how many empty blocks a crash
   *                                       can lose)
   */
  constructor(opts) {
    super();
    this.opts = {
      stateFile: null,
      finalizeDepth: 32,
      blockMs: 400,
      skipSlotEvery: 8,
      txHistory: 10000,
      idleSaveMs: 30000,
      log: () => {},
      ...opts,
    };
    if (!(this.opts.finalizeDepth >= 1)) throw new Error('finalizeDepth must be >= 1');
    this.keepBlocks = Math.max(STATUS_CACHE_BLOCKS + 16, this.opts.finalizeDepth + MAX_PROCESSING_AGE + 16);
    this.blocks = []; // contiguous by height, oldest first
    this.hashHeights = new Map(); // blockhash -> height
    this.txs = new Map(); // signature -> record, in landing order
    this.addressIndex = new Map(); // address -> [signature] in landing order
    this.tracked = new Set(); // addresses whose state must persist
    this.hooks = { drop: 0, delayCount: 0, delayBlocks: 0 };
    this.delayed = []; // [{raw, signature, dueHeight}]
    this.stats = { dropped: 0, expired: 0, duplicates: 0, landed: 0 };
    this.dirty = false;
    this.lastSave = 0;
    this.deferSave = 0;
    this.mintCache = new Map();
  }

  // ---------------------------------------------------------------- lifecycle

  /** Loads the state file when it exists, else creates a fresh chain (and saves it). */
  open() {
    const f = this.opts.stateFile;
    if (f) this._lock(f);
    if (f && fs.existsSync(f)) {
      this._load(f);
    } else {
      this._genesis();
      if (f) this.save();
    }
    return this;
  }

  /**
   * Takes `<state file>.lock` (holding this process id) so that two localnets never write the
   * same state file. A lock left by a process that no longer runs is taken over.
   */
  _lock(file) {
    const lockFile = `${file}.lock`;
    fs.mkdirSync(path.dirname(lockFile), { recursive: true });
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        fs.writeFileSync(lockFile, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
        this.lockFile = lockFile;
        return;
      } catch (e) {
        if (e.code !== 'EEXIST') throw e;
      }
      const pid = Number.parseInt(fs.readFileSync(lockFile, 'utf8'), 10);
      let alive = false;
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid) {
        try {
          process.kill(pid, 0);
          alive = true;
        } catch (e) {
          alive = e.code === 'EPERM';
        }
      }
      if (alive) throw new Error(`state file ${file} is in use by process ${pid} (lock ${lockFile})`);
      fs.rmSync(lockFile, { force: true }); // stale: its process is gone
    }
    throw new Error(`cannot take the lock ${lockFile}`);
  }

  /** Releases the state file lock (after the final save). */
  close() {
    if (this.lockFile) {
      fs.rmSync(this.lockFile, { force: true });
      this.lockFile = null;
    }
  }

  _newSvm() {
    const svm = new LiteSvm();
    svm.setBlockhashCheck(false); // admission (blockhash age) is decided here, see the header
    svm.setTransactionHistory(0n); // the status cache here replaces LiteSVM's
    svm.setSigverify(true);
    return svm;
  }

  _genesis() {
    this.svm = this._newSvm();
    this.genesisHash = b58.encode(crypto.createHash('sha256').update(crypto.randomBytes(32)).digest());
    this.faucet = Keypair.generate();
    this._setAccount(this.faucet.publicKey, {
      lamports: FAUCET_LAMPORTS,
      data: Buffer.alloc(0),
      owner: b58.encode(SYSTEM_PROGRAM),
      executable: false,
      rentEpoch: U64_MAX,
    });
    this.tracked.add(b58.encode(this.faucet.publicKey));
    const blockhash = b58.encode(crypto.createHash('sha256').update(b58.decode(this.genesisHash)).update(u64le(0)).digest());
    this._pushBlock({ slot: 0, height: 0, parentSlot: 0, blockhash, blockTime: Math.floor(Date.now() / 1000) });
    this._setSysvars();
    this.dirty = true;
  }

  _load(file) {
    let state;
    try {
      state = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`state file ${file} is not readable JSON (${e.message}); move it away to start a fresh chain`);
    }
    const h = state && state.header;
    if (!h || h.format !== STATE_FORMAT || h.version !== STATE_VERSION) {
      throw new Error(`state file ${file} is not a ${STATE_FORMAT} v${STATE_VERSION} file`);
    }
    this.svm = this._newSvm();
    this.genesisHash = h.genesisHash;
    this.faucet = new Keypair(Buffer.from(h.faucetSeed, 'base64'));
    for (const [addr, j] of Object.entries(h.accounts)) {
      this.tracked.add(addr);
      const snap = snapshotFromJson(j);
      if (snap) this._setAccount(b58.decode(addr), snap);
    }
    for (const blk of h.blocks) {
      const undo = new Map(Object.entries(blk.undo || {}).map(([k, v]) => [k, snapshotFromJson(v)]));
      this._pushBlock({ ...blk, undo, prioByAccount: new Map(Object.entries(blk.prioByAccount || {})) });
    }
    for (const rec of state.transactions) this._indexRecord(rec);
    this.hooks = { drop: 0, delayCount: 0, delayBlocks: 0, ...(h.hooks || {}) };
    this.delayed = (h.delayed || []).map((d) => ({ ...d, raw: Buffer.from(d.raw, 'base64') }));
    this._setSysvars();
    this.opts.log(`loaded ${file}: slot ${this.tip.slot}, height ${this.tip.height}, ${this.txs.size} transactions`);
    if (!h.clean) {
      // Stopped without a final save: blocks produced after the last save are lost. Skip ahead
      // by at least as many blocks as the previous run could have produced meanwhile (it saved
      // at least every idleSaveMs, and the crash happened before now), so slots and heights seen
      // by clients before the crash are never handed out again.
      const prevBlockMs = h.blockMs || 0;
      let lost = 1;
      if (prevBlockMs > 0) {
        const window = Math.min(h.idleSaveMs || this.opts.idleSaveMs, Math.max(0, Date.now() - (h.savedAtMs || 0)));
        lost = Math.min(100000, Math.ceil(window / prevBlockMs) + 1);
      }
      this.opts.log(`previous run did not stop cleanly: producing ${lost} catch-up blocks`);
      this.advance(lost);
    }
    this.dirty = true;
  }

  /** The whole state as the JSON text of the state file. */
  serialize(clean) {
    const accounts = {};
    for (const addr of this.tracked) accounts[addr] = snapshotToJson(this._accountNow(b58.decode(addr)));
    const blocks = this.blocks.map((b) => {
      const o = {
        slot: b.slot,
        height: b.height,
        parentSlot: b.parentSlot,
        blockhash: b.blockhash,
        blockTime: b.blockTime,
        txs: b.txs,
        prioMin: b.prioMin,
        prioByAccount: Object.fromEntries(b.prioByAccount),
      };
      if (b.undo && b.undo.size) o.undo = Object.fromEntries([...b.undo].map(([k, v]) => [k, snapshotToJson(v)]));
      return o;
    });
    const header = {
      format: STATE_FORMAT,
      version: STATE_VERSION,
      savedAt: new Date().toISOString(),
      savedAtMs: Date.now(),
      clean: !!clean,
      blockMs: this.opts.blockMs,
      idleSaveMs: this.opts.idleSaveMs,
      genesisHash: this.genesisHash,
      faucetSeed: this.faucet.seed.toString('base64'),
      hooks: this.hooks,
      delayed: this.delayed.map((d) => ({ signature: d.signature, dueHeight: d.dueHeight, raw: d.raw.toString('base64') })),
      blocks,
      accounts,
    };
    const recs = [];
    for (const rec of this.txs.values()) {
      if (!rec._json) Object.defineProperty(rec, '_json', { value: JSON.stringify(rec), enumerable: false });
      recs.push(rec._json);
    }
    return `{"header":${JSON.stringify(header)},\n"transactions":[\n${recs.join(',\n')}\n]}\n`;
  }

  /** Persists the state (atomically). `clean` marks a deliberate shutdown. */
  save(clean = false) {
    if (!this.opts.stateFile) return;
    writeFileAtomic(this.opts.stateFile, this.serialize(clean));
    this.dirty = false;
    this.lastSave = Date.now();
  }

  _maybeSave() {
    if (this.deferSave || !this.opts.stateFile) return;
    if (this.dirty || Date.now() - this.lastSave >= this.opts.idleSaveMs) this.save();
  }

  // ---------------------------------------------------------------- blocks

  get tip() {
    return this.blocks[this.blocks.length - 1];
  }

  _pushBlock(b) {
    const blk = {
      txs: [],
      prioMin: null,
      prioByAccount: new Map(),
      undo: new Map(),
      ...b,
    };
    this.blocks.push(blk);
    this.hashHeights.set(blk.blockhash, blk.height);
    while (this.blocks.length > this.keepBlocks) {
      const old = this.blocks.shift();
      this.hashHeights.delete(old.blockhash);
    }
    // Undo maps are only needed while a block is newer than the finalized view.
    const undoFloor = blk.height - this.opts.finalizeDepth - 1;
    const old = this.blockAtHeight(undoFloor);
    if (old && old.undo.size) old.undo = new Map();
    return blk;
  }

  blockAtHeight(h) {
    if (!this.blocks.length) return null;
    const i = h - this.blocks[0].height;
    return i >= 0 && i < this.blocks.length ? this.blocks[i] : null;
  }

  /** Points the runtime's Clock and SlotHashes sysvars at the tip. */
  _setSysvars() {
    const t = this.tip;
    const epoch = BigInt(Math.floor(t.slot / SLOTS_PER_EPOCH));
    const first = this.blocks[0];
    this.svm.setClock(new Clock(BigInt(t.slot), BigInt(first.blockTime), epoch, epoch + 1n, BigInt(t.blockTime)));
    // SlotHashes (newest first, at most 512): e.g. address lookup table creation checks it.
    const hashes = [];
    for (let i = this.blocks.length - 1; i >= 0 && hashes.length < 512; i--) {
      hashes.push({ slot: BigInt(this.blocks[i].slot), hash: this.blocks[i].blockhash });
    }
    this.svm.setSlotHashes(hashes);
  }

  /** Produces one block: new slot (sometimes skipping one), height + 1, a new blockhash. */
  produceBlock({ sysvars = true } = {}) {
    const prev = this.tip;
    const height = prev.height + 1;
    const skip = this.opts.skipSlotEvery > 0 && height % this.opts.skipSlotEvery === 0;
    const slot = prev.slot + (skip ? 2 : 1);
    const blockhash = b58.encode(crypto.createHash('sha256').update(b58.decode(prev.blockhash)).update(u64le(slot)).digest());
    const blockTime = Math.max(prev.blockTime, Math.floor(Date.now() / 1000));
    const blk = this._pushBlock({ slot, height, parentSlot: prev.slot, blockhash, blockTime });
    if (sysvars) this._setSysvars();
    // Transactions held back by localnet_delayNextTransactions land when due.
    if (this.delayed.length) {
      const due = this.delayed.filter((d) => d.dueHeight <= height);
      if (due.length) {
        if (!sysvars) this._setSysvars();
        this.delayed = this.delayed.filter((d) => d.dueHeight > height);
        for (const d of due) this.land(wire.parseTransaction(d.raw), d.raw);
        this.dirty = true;
      }
    }
    this.emit('block', blk);
    this._maybeSave();
    return blk;
  }

  /** Produces `count` blocks at once (test hook); saves once at the end. */
  advance(count) {
    this.deferSave++;
    try {
      // Sysvars are only needed where a transaction can run: at the last block (and where a
      // delayed transaction lands, which produceBlock handles).
      for (let i = 0; i < count; i++) this.produceBlock({ sysvars: i === count - 1 });
    } finally {
      this.deferSave--;
    }
    this.dirty = true;
    this._maybeSave();
    return this.tip;
  }

  // ---------------------------------------------------------------- commitment

  static parseCommitment(c) {
    if (c === undefined || c === null) return 'finalized';
    switch (c) {
      case 'processed':
      case 'recent':
        return 'processed';
      case 'confirmed':
      case 'single':
      case 'singleGossip':
        return 'confirmed';
      case 'finalized':
      case 'root':
      case 'max':
        return 'finalized';
      default:
        throw errors.invalidParams(`Invalid params: unknown variant \`${c}\`, expected one of \`processed\`, \`confirmed\`, \`finalized\``);
    }
  }

  depthOf(commitment) {
    if (commitment === 'processed') return 0;
    if (commitment === 'confirmed') return 1;
    return this.opts.finalizeDepth;
  }

  /** The block that a read at `commitment` sees. */
  viewBlock(commitment) {
    const h = Math.max(this.blocks[0].height, this.tip.height - this.depthOf(commitment));
    return this.blockAtHeight(h);
  }

  /** Commitment level a transaction landed at height `h` has reached. */
  statusOf(h) {
    const depth = this.tip.height - h;
    if (depth >= this.opts.finalizeDepth) return 'finalized';
    if (depth >= 1) return 'confirmed';
    return 'processed';
  }

  reached(rec, commitment) {
    return COMMITMENTS.indexOf(this.statusOf(rec.height)) >= COMMITMENTS.indexOf(commitment);
  }

  /** A blockhash is valid at height h when it is the hash of a block at most 150 blocks older. */
  blockhashValidAt(blockhash, h) {
    const bh = this.hashHeights.get(blockhash);
    return bh !== undefined && bh <= h && h - bh <= MAX_PROCESSING_AGE;
  }

  lastValidBlockHeight(block) {
    return block.height + MAX_PROCESSING_AGE;
  }

  // ---------------------------------------------------------------- accounts

  _setAccount(pubkey, s) {
    this.svm.setAccount(pubkey, new Account(s.lamports, s.data, b58.decode(s.owner), s.executable, s.rentEpoch));
  }

  /** Current (processed) state of an account, or null when it does not exist. */
  _accountNow(pubkey) {
    const a = this.svm.getAccount(pubkey);
    if (!a) return null;
    const lamports = a.lamports();
    if (lamports === 0n) return null;
    return {
      lamports,
      data: Buffer.from(a.data()),
      owner: b58.encode(a.owner()),
      executable: a.executable(),
      rentEpoch: a.rentEpoch(),
    };
  }

  /** State of an account as seen at `commitment` (undoing changes of newer blocks). */
  getAccount(pubkey, commitment = 'processed') {
    const view = this.viewBlock(commitment);
    const key = b58.encode(pubkey);
    for (let h = view.height + 1; h <= this.tip.height; h++) {
      const blk = this.blockAtHeight(h);
      if (blk.undo.has(key)) return blk.undo.get(key);
    }
    return this._accountNow(pubkey);
  }

  /** Accounts owned by a program, as seen at `commitment`: [{pubkey, account}]. */
  getProgramAccounts(programId, commitment = 'processed') {
    const out = [];
    for (const aa of this.svm.getProgramAccounts(programId)) {
      const pubkey = Buffer.from(aa.address);
      const account = this.getAccount(pubkey, commitment);
      if (account && account.owner === b58.encode(programId)) out.push({ pubkey, account });
    }
    return out;
  }

  getMint(address) {
    const a = this._accountNow(b58.decode(address));
    return a ? token.decodeMint(a.owner, a.data) : null;
  }

  minimumBalanceForRentExemption(len) {
    return this.svm.minimumBalanceForRentExemption(BigInt(len));
  }

  // ---------------------------------------------------------------- transactions

  static verifySignatures(tx) {
    const m = tx.message;
    if (tx.signatures.length !== m.header.numRequiredSignatures) return false;
    for (let i = 0; i < tx.signatures.length; i++) {
      if (!verify(tx.messageBytes, tx.signatures[i], m.accountKeys[i])) return false;
    }
    return true;
  }

  /** All account keys (static, then lookup-table writable, then lookup-table readonly). */
  resolveKeys(tx) {
    const m = tx.message;
    const keys = m.accountKeys.map((k, i) => ({ bytes: k, key: b58.encode(k), writable: wire.isStaticWritable(m, i) }));
    const loaded = { writable: [], readonly: [] };
    const w = [];
    const r = [];
    for (const l of m.addressTableLookups) {
      const table = this._accountNow(l.accountKey);
      if (!table || table.data.length < LOOKUP_TABLE_META_SIZE) return { keys, loaded };
      const n = Math.floor((table.data.length - LOOKUP_TABLE_META_SIZE) / 32);
      const at = (i) => table.data.subarray(LOOKUP_TABLE_META_SIZE + i * 32, LOOKUP_TABLE_META_SIZE + (i + 1) * 32);
      if ([...l.writableIndexes, ...l.readonlyIndexes].some((i) => i >= n)) return { keys, loaded };
      for (const i of l.writableIndexes) w.push({ bytes: Buffer.from(at(i)), key: b58.encode(at(i)), writable: true });
      for (const i of l.readonlyIndexes) r.push({ bytes: Buffer.from(at(i)), key: b58.encode(at(i)), writable: false });
    }
    loaded.writable = w.map((k) => k.key);
    loaded.readonly = r.map((k) => k.key);
    return { keys: [...keys, ...w, ...r], loaded };
  }

  static computeUnitPrice(tx) {
    const m = tx.message;
    for (const ix of m.instructions) {
      if (b58.encode(m.accountKeys[ix.programIdIndex]) === COMPUTE_BUDGET_PROGRAM && ix.data.length >= 9 && ix.data[0] === 3) {
        return Number(ix.data.readBigUInt64LE(1));
      }
    }
    return 0;
  }

  static computeUnitLimit(tx) {
    const m = tx.message;
    let n = 0;
    for (const ix of m.instructions) {
      const pid = b58.encode(m.accountKeys[ix.programIdIndex]);
      if (pid === COMPUTE_BUDGET_PROGRAM) {
        if (ix.data.length >= 5 && ix.data[0] === 2) return ix.data.readUInt32LE(1);
      } else n++;
    }
    return Math.min(1_400_000, 200_000 * n);
  }

  /** The fee a transaction pays: 5000 lamports per signature plus the prioritization fee. */
  static fee(tx) {
    const price = BigInt(Chain.computeUnitPrice(tx));
    const limit = BigInt(Chain.computeUnitLimit(tx));
    const prio = (price * limit + 999_999n) / 1_000_000n;
    return tx.message.header.numRequiredSignatures * LAMPORTS_PER_SIGNATURE + Number(prio);
  }

  static memo(tx) {
    const m = tx.message;
    const memos = [];
    for (const ix of m.instructions) {
      if (MEMO_PROGRAMS.has(b58.encode(m.accountKeys[ix.programIdIndex]))) {
        const text = ix.data.toString('utf8');
        memos.push(`[${Buffer.byteLength(text)}] ${text}`);
      }
    }
    return memos.length ? memos.join('; ') : null;
  }

  _tokenBalances(keys, snaps) {
    const out = [];
    snaps.forEach((s, i) => {
      if (!s) return;
      const acc = token.decodeTokenAccount(s.owner, s.data);
      if (!acc) return;
      const mint = this.getMint(acc.mint);
      if (!mint) return;
      out.push({
        accountIndex: i,
        mint: acc.mint,
        owner: acc.owner,
        programId: acc.programId,
        uiTokenAmount: token.uiTokenAmount(acc.amount, mint.decimals),
      });
    });
    return out;
  }

  static _metaFields(meta) {
    const inner = [];
    meta.innerInstructions().forEach((list, index) => {
      if (!list.length) return;
      inner.push({
        index,
        instructions: list.map((ii) => {
          const ci = ii.instruction();
          return {
            programIdIndex: ci.programIdIndex(),
            accounts: Array.from(ci.accounts()),
            data: b58.encode(ci.data()),
            stackHeight: ii.stackHeight(),
          };
        }),
      });
    });
    const rd = meta.returnData();
    const rdData = rd ? Buffer.from(rd.data()) : Buffer.alloc(0);
    return {
      logs: meta.logs(),
      innerInstructions: inner,
      computeUnitsConsumed: Number(meta.computeUnitsConsumed()),
      returnData: rdData.length ? { programId: b58.encode(rd.programId()), data: [rdData.toString('base64'), 'base64'] } : null,
    };
  }

  static _feeFromMeta(meta) {
    const m = /\bfee: (\d+)/.exec(meta.toString());
    return m ? Number(m[1]) : null;
  }

  /**
   * Admits and executes a transaction in the tip block. Returns the record when it landed,
   * else {dropped: reason}. Never throws for a transaction the chain refuses: like a leader,
   * it silently drops what it cannot include.
   */
  land(tx, raw) {
    const signature = b58.encode(tx.signatures[0]);
    const drop = (reason) => {
      this.stats.dropped++;
      this.opts.log(`dropped ${signature}: ${reason}`);
      return { dropped: reason };
    };
    if (!Chain.verifySignatures(tx)) return drop('SignatureFailure');
    if (!this.blockhashValidAt(b58.encode(tx.message.recentBlockhash), this.tip.height)) {
      this.stats.expired++;
      return drop('BlockhashNotFound');
    }
    if (this.txs.has(signature)) {
      this.stats.duplicates++;
      return drop('AlreadyProcessed');
    }
    const { keys, loaded } = this.resolveKeys(tx);
    const pre = keys.map((k) => this._accountNow(k.bytes));
    const res = this.svm.sendVersionedTransaction(raw);
    const failed = typeof res.err === 'function';
    const meta = failed ? res.meta() : res;
    const post = keys.map((k) => this._accountNow(k.bytes));
    const payerPre = pre[0] ? pre[0].lamports : 0n;
    const payerPost = post[0] ? post[0].lamports : 0n;
    const err = failed ? errors.fromLitesvm(res.err()) : null;
    if (failed && payerPre === payerPost) return drop(errors.message(err)); // not committed: no fee taken

    const blk = this.tip;
    keys.forEach((k, i) => {
      if (sameSnapshot(pre[i], post[i])) return;
      if (!blk.undo.has(k.key)) blk.undo.set(k.key, pre[i]);
      if (!(post[i] && post[i].executable)) this.tracked.add(k.key);
    });
    const fields = Chain._metaFields(meta);
    const rec = {
      signature,
      slot: blk.slot,
      height: blk.height,
      blockTime: blk.blockTime,
      version: tx.message.version,
      raw: Buffer.from(raw).toString('base64'),
      err,
      fee: Chain._feeFromMeta(meta) ?? Chain.fee(tx),
      preBalances: pre.map((s) => (s ? Number(s.lamports) : 0)),
      postBalances: post.map((s) => (s ? Number(s.lamports) : 0)),
      preTokenBalances: this._tokenBalances(keys, pre),
      postTokenBalances: this._tokenBalances(keys, post),
      logs: fields.logs,
      innerInstructions: fields.innerInstructions,
      computeUnitsConsumed: fields.computeUnitsConsumed,
      returnData: fields.returnData,
      loadedAddresses: loaded,
      accountKeys: keys.map((k) => k.key),
      writable: keys.map((k) => k.writable),
      memo: Chain.memo(tx),
      cuPrice: Chain.computeUnitPrice(tx),
    };
    this._indexRecord(rec);
    this.stats.landed++;
    this.dirty = true;
    this.emit('landed', rec);
    return rec;
  }

  _indexRecord(rec) {
    this.txs.set(rec.signature, rec);
    for (const k of rec.accountKeys) {
      let list = this.addressIndex.get(k);
      if (!list) this.addressIndex.set(k, (list = []));
      list.push(rec.signature);
    }
    const blk = this.blockAtHeight(rec.height);
    if (blk) {
      if (!blk.txs.includes(rec.signature)) blk.txs.push(rec.signature);
      blk.prioMin = blk.prioMin === null ? rec.cuPrice : Math.min(blk.prioMin, rec.cuPrice);
      rec.accountKeys.forEach((k, i) => {
        if (!rec.writable[i]) return;
        const cur = blk.prioByAccount.get(k);
        blk.prioByAccount.set(k, cur === undefined ? rec.cuPrice : Math.min(cur, rec.cuPrice));
      });
    }
    while (this.txs.size > this.opts.txHistory) {
      const [oldSig, old] = this.txs.entries().next().value;
      this.txs.delete(oldSig);
      for (const k of old.accountKeys) {
        const list = this.addressIndex.get(k);
        if (!list) continue;
        const i = list.indexOf(oldSig);
        if (i >= 0) list.splice(i, 1);
        if (!list.length) this.addressIndex.delete(k);
      }
    }
  }

  /** The simulation result object in the RPC's shape (also the `data` of a preflight failure). */
  static simResult(o) {
    return {
      err: o.err ?? null,
      logs: o.logs ?? [],
      accounts: o.accounts ?? null,
      unitsConsumed: o.unitsConsumed ?? 0,
      returnData: o.returnData ?? null,
      innerInstructions: o.innerInstructions ?? null,
      replacementBlockhash: o.replacementBlockhash ?? null,
    };
  }

  /**
   * Simulates without changing state. Returns {result, postAccounts: Map(address -> snapshot)}.
   * Throws RpcError -32003 when sigVerify is asked and a signature does not verify.
   */
  simulate(tx, raw, { commitment = 'finalized', sigVerify = false, replaceRecentBlockhash = false } = {}) {
    const view = this.viewBlock(commitment);
    let bytes = raw;
    let replacementBlockhash = null;
    if (replaceRecentBlockhash) {
      bytes = wire.replaceBlockhash(raw, tx, b58.decode(view.blockhash));
      replacementBlockhash = { blockhash: view.blockhash, lastValidBlockHeight: this.lastValidBlockHeight(view) };
    }
    if (sigVerify && !Chain.verifySignatures(tx)) {
      throw new errors.RpcError(errors.RPC.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
    }
    const empty = (err) => ({ result: Chain.simResult({ err, replacementBlockhash }), postAccounts: new Map() });
    if (!replaceRecentBlockhash && !this.blockhashValidAt(b58.encode(tx.message.recentBlockhash), view.height)) {
      return empty('BlockhashNotFound');
    }
    const signature = b58.encode(tx.signatures[0]);
    if (!replaceRecentBlockhash && this.txs.has(signature) && this.txs.get(signature).height <= view.height) {
      return empty('AlreadyProcessed');
    }
    this.svm.setSigverify(false);
    let res;
    try {
      res = this.svm.simulateVersionedTransaction(bytes);
    } finally {
      this.svm.setSigverify(true);
    }
    const failed = typeof res.err === 'function';
    const meta = res.meta();
    const fields = Chain._metaFields(meta);
    const postAccounts = new Map();
    if (!failed) {
      for (const aa of res.postAccounts()) {
        const a = aa.account();
        postAccounts.set(b58.encode(aa.address), {
          lamports: a.lamports(),
          data: Buffer.from(a.data()),
          owner: b58.encode(a.owner()),
          executable: a.executable(),
          rentEpoch: a.rentEpoch(),
        });
      }
    }
    return {
      result: Chain.simResult({
        err: failed ? errors.fromLitesvm(res.err()) : null,
        logs: fields.logs,
        unitsConsumed: fields.computeUnitsConsumed,
        returnData: fields.returnData,
        replacementBlockhash,
      }),
      innerInstructions: fields.innerInstructions,
      postAccounts,
    };
  }

  /**
   * sendTransaction: preflight (unless skipped), then the drop/delay hooks, then landing.
   * Returns the signature; throws RpcError for preflight failures.
   */
  submit(tx, raw, { skipPreflight = false, preflightCommitment = 'finalized' } = {}) {
    const signature = b58.encode(tx.signatures[0]);
    if (!skipPreflight) {
      if (!Chain.verifySignatures(tx)) {
        throw new errors.RpcError(errors.RPC.TRANSACTION_SIGNATURE_VERIFICATION_FAILURE, 'Transaction signature verification failure');
      }
      const sim = this.simulate(tx, raw, { commitment: preflightCommitment });
      if (sim.result.err) {
        throw new errors.RpcError(
          errors.RPC.SEND_TRANSACTION_PREFLIGHT_FAILURE,
          `Transaction simulation failed: ${errors.message(sim.result.err)}`,
          sim.result,
        );
      }
    }
    this.emit('received', signature);
    if (this.hooks.drop > 0) {
      this.hooks.drop--;
      this.stats.dropped++;
      this.dirty = true;
      this.opts.log(`dropped ${signature}: localnet_dropNextTransactions`);
      return signature;
    }
    if (this.hooks.delayCount > 0) {
      this.hooks.delayCount--;
      this.delayed.push({ raw: Buffer.from(raw), signature, dueHeight: this.tip.height + this.hooks.delayBlocks });
      this.dirty = true;
      this.opts.log(`delayed ${signature} until height ${this.tip.height + this.hooks.delayBlocks}`);
      return signature;
    }
    this.land(tx, raw);
    return signature;
  }

  /** requestAirdrop: a system transfer from the faucet account, landing like any transaction. */
  airdrop(to, lamports) {
    if (Buffer.from(to).equals(this.faucet.publicKey)) throw errors.invalidParams('Invalid params: cannot airdrop to the faucet');
    const data = Buffer.alloc(12);
    data.writeUInt32LE(2, 0); // SystemInstruction::Transfer
    data.writeBigUInt64LE(BigInt(lamports), 4);
    const msg = wire.compileLegacyMessage(
      this.faucet.publicKey,
      [{ programId: SYSTEM_PROGRAM, keys: [{ pubkey: this.faucet.publicKey, isSigner: true, isWritable: true }, { pubkey: Buffer.from(to), isSigner: false, isWritable: true }], data }],
      b58.decode(this.tip.blockhash),
    );
    const raw = wire.signAndSerialize(msg, [this.faucet]);
    const tx = wire.parseTransaction(raw);
    const r = this.land(tx, raw);
    if (r.dropped || r.err) {
      throw new errors.RpcError(errors.RPC.INTERNAL_ERROR, `airdrop request failed: ${r.dropped || errors.message(r.err)}`);
    }
    return r.signature;
  }

  // ---------------------------------------------------------------- queries

  /** The status of a signature in getSignatureStatuses' shape, or null. */
  signatureStatus(signature, searchTransactionHistory) {
    const rec = this.txs.get(signature);
    if (!rec) return null;
    if (!searchTransactionHistory && this.tip.height - rec.height > STATUS_CACHE_BLOCKS) return null;
    const level = this.statusOf(rec.height);
    return {
      slot: rec.slot,
      confirmations: level === 'finalized' ? null : this.tip.height - rec.height,
      err: rec.err,
      status: rec.err ? { Err: rec.err } : { Ok: null },
      confirmationStatus: level,
    };
  }

  recentPrioritizationFees(addresses) {
    const out = [];
    const from = Math.max(0, this.blocks.length - PRIORITIZATION_FEE_BLOCKS);
    for (const blk of this.blocks.slice(from)) {
      let fee = blk.prioMin ?? 0;
      for (const a of addresses) {
        const f = blk.prioByAccount.get(a);
        if (f !== undefined) fee = Math.max(fee, f);
      }
      out.push({ slot: blk.slot, prioritizationFee: fee });
    }
    return out;
  }

  status() {
    return {
      slot: this.tip.slot,
      blockHeight: this.tip.height,
      blockhash: this.tip.blockhash,
      finalizeDepth: this.opts.finalizeDepth,
      transactions: this.txs.size,
      pendingDrops: this.hooks.drop,
      pendingDelays: this.hooks.delayCount,
      delayed: this.delayed.length,
      stats: { ...this.stats },
      stateFile: this.opts.stateFile,
      genesisHash: this.genesisHash,
      faucet: b58.encode(this.faucet.publicKey),
    };
  }
}

module.exports = {
  Chain,
  MAX_PROCESSING_AGE,
  STATUS_CACHE_BLOCKS,
  LAMPORTS_PER_SOL,
  SYSTEM_PROGRAM,
  writeFileAtomic,
  COMMITMENTS,
};
