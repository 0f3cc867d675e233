'use strict';
// The RPC PubSub websocket (served on the RPC port + 1, as a validator does): signature, slot,
// root, account and logs subscriptions. Stock clients (e.g. @solana/web3.js's
// confirmTransaction) rely on signatureSubscribe.
const { WebSocketServer } = require('ws');
const b58 = require('./base58');
const { stringify } = require('./json');
const { Chain } = require('./chain');
const { RpcError, RPC, invalidParams } = require('./errors');

class PubSub {
  constructor(chain, rpc, log = () => {}) {
    this.chain = chain;
    this.rpc = rpc;
    this.log = log;
    this.subs = new Map(); // id -> sub
    this.nextId = 0;
    this.lastRoot = null;
    this.wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
    this.wss.on('connection', (ws) => {
      ws.on('message', (data) => this.onMessage(ws, data));
      ws.on('close', () => {
        for (const [id, s] of this.subs) if (s.ws === ws) this.subs.delete(id);
      });
      ws.on('error', () => {});
    });
    chain.on('block', (blk) => this.onBlock(blk));
    chain.on('landed', (rec) => this.onLanded(rec));
    chain.on('received', (sig) => this.onReceived(sig));
  }

  /** Hands an HTTP upgrade request to the websocket server. */
  handleUpgrade(req, socket, head) {
    this.wss.handleUpgrade(req, socket, head, (ws) => this.wss.emit('connection', ws, req));
  }

  close() {
    for (const ws of this.wss.clients) ws.terminate();
    this.wss.close();
  }

  send(ws, obj) {
    if (ws.readyState === 1) ws.send(stringify(obj));
  }

  notify(sub, method, result) {
    this.send(sub.ws, { jsonrpc: '2.0', method, params: { result, subscription: sub.id } });
  }

  onMessage(ws, data) {
    let req;
    try {
      req = JSON.parse(data.toString('utf8'));
    } catch {
      this.send(ws, { jsonrpc: '2.0', error: { code: RPC.PARSE_ERROR, message: 'Parse error' }, id: null });
      return;
    }
    const handleOne = (r) => {
      if (!r || typeof r !== 'object' || r.jsonrpc !== '2.0' || typeof r.method !== 'string') {
        return { jsonrpc: '2.0', error: { code: RPC.INVALID_REQUEST, message: 'Invalid request' }, id: (r && r.id) ?? null };
      }
      try {
        return { jsonrpc: '2.0', result: this.call(ws, r.method, r.params ?? []), id: r.id ?? null };
      } catch (e) {
        const err = e instanceof RpcError ? e.toJSON() : { code: RPC.INTERNAL_ERROR, message: 'Internal error' };
        if (!(e instanceof RpcError)) this.log(`pubsub ${r.method}: ${e.stack || e}`);
        return { jsonrpc: '2.0', error: err, id: r.id ?? null };
      }
    };
    if (Array.isArray(req)) this.send(ws, req.map(handleOne));
    else this.send(ws, handleOne(req));
    this.flushImmediate();
  }

  call(ws, method, params) {
    const p = Array.isArray(params) ? params : [];
    const cfg = (i) => (p[i] && typeof p[i] === 'object' && !Array.isArray(p[i]) ? p[i] : {});
    const add = (sub) => {
      const id = this.nextId++;
      this.subs.set(id, { id, ws, ...sub });
      return id;
    };
    switch (method) {
      case 'signatureSubscribe': {
        if (typeof p[0] !== 'string') throw invalidParams('Invalid params: expected a signature string');
        const c = cfg(1);
        const id = add({ kind: 'signature', signature: p[0], commitment: Chain.parseCommitment(c.commitment), received: !!c.enableReceivedNotification });
        this.pendingCheck = true;
        return id;
      }
      case 'slotSubscribe':
        return add({ kind: 'slot' });
      case 'rootSubscribe':
        return add({ kind: 'root' });
      case 'accountSubscribe': {
        const pubkey = PubSub.pubkey(p[0]);
        const c = cfg(1);
        const commitment = Chain.parseCommitment(c.commitment);
        const encoding = c.encoding ?? 'binary';
        const sub = { kind: 'account', pubkey, commitment, encoding, dataSlice: c.dataSlice };
        sub.last = stringify(this.accountValue(sub));
        return add(sub);
      }
      case 'logsSubscribe': {
        const f = p[0];
        let mentions = null;
        if (f === 'all' || f === 'allWithVotes') mentions = null;
        else if (f && typeof f === 'object' && Array.isArray(f.mentions) && f.mentions.length === 1) {
          mentions = b58.encode(PubSub.pubkey(f.mentions[0]));
        } else throw invalidParams('Invalid Request: Only 1 address supported');
        return add({ kind: 'logs', mentions, commitment: Chain.parseCommitment(cfg(1).commitment) });
      }
      case 'signatureUnsubscribe':
      case 'slotUnsubscribe':
      case 'rootUnsubscribe':
      case 'accountUnsubscribe':
      case 'logsUnsubscribe': {
        const id = p[0];
        const s = this.subs.get(id);
        if (!s || s.ws !== ws || `${s.kind}Unsubscribe` !== method) throw invalidParams('Invalid subscription id.');
        this.subs.delete(id);
        return true;
      }
      default:
        throw new RpcError(RPC.METHOD_NOT_FOUND, 'Method not found');
    }
  }

  static pubkey(s) {
    let b;
    try {
      b = b58.decode(typeof s === 'string' ? s : '');
    } catch {
      throw invalidParams('Invalid param: Invalid');
    }
    if (b.length !== 32) throw invalidParams('Invalid param: WrongSize');
    return b;
  }

  /** Notifies subscriptions that are already satisfied when they are made. */
  flushImmediate() {
    if (!this.pendingCheck) return;
    this.pendingCheck = false;
    this.checkSignatures();
  }

  checkSignatures() {
    for (const [id, s] of this.subs) {
      if (s.kind !== 'signature') continue;
      const rec = this.chain.txs.get(s.signature);
      if (rec && this.chain.reached(rec, s.commitment)) {
        this.notify(s, 'signatureNotification', {
          context: { slot: this.chain.viewBlock(s.commitment).slot },
          value: { err: rec.err },
        });
        this.subs.delete(id);
      }
    }
  }

  accountValue(sub) {
    const snap = this.chain.getAccount(sub.pubkey, sub.commitment);
    const empty = { lamports: 0n, data: Buffer.alloc(0), owner: '11111111111111111111111111111111', executable: false, rentEpoch: 0n };
    return this.rpc.encodeAccount(snap || empty, sub.encoding, sub.dataSlice);
  }

  checkAccounts(onlyProcessed) {
    for (const s of this.subs.values()) {
      if (s.kind !== 'account' || (onlyProcessed && s.commitment !== 'processed')) continue;
      let value;
      try {
        value = this.accountValue(s);
      } catch {
        continue;
      }
      const text = stringify(value);
      if (text !== s.last) {
        s.last = text;
        this.notify(s, 'accountNotification', { context: { slot: this.chain.viewBlock(s.commitment).slot }, value });
      }
    }
  }

  logsFor(rec, commitment) {
    for (const s of this.subs.values()) {
      if (s.kind !== 'logs' || s.commitment !== commitment) continue;
      if (s.mentions && !rec.accountKeys.includes(s.mentions)) continue;
      this.notify(s, 'logsNotification', {
        context: { slot: rec.slot },
        value: { signature: rec.signature, err: rec.err, logs: rec.logs },
      });
    }
  }

  onReceived(signature) {
    for (const s of this.subs.values()) {
      if (s.kind === 'signature' && s.received && s.signature === signature) {
        this.notify(s, 'signatureNotification', { context: { slot: this.chain.tip.slot }, value: 'receivedSignature' });
      }
    }
  }

  onLanded(rec) {
    if (!this.subs.size) return;
    this.logsFor(rec, 'processed');
    this.checkSignatures();
    this.checkAccounts(true);
  }

  onBlock(blk) {
    if (!this.subs.size) return;
    const root = this.chain.viewBlock('finalized');
    for (const s of this.subs.values()) {
      if (s.kind === 'slot') this.notify(s, 'slotNotification', { parent: blk.parentSlot, root: root.slot, slot: blk.slot });
      else if (s.kind === 'root' && root.slot !== this.lastRoot) this.notify(s, 'rootNotification', root.slot);
    }
    this.lastRoot = root.slot;
    for (const commitment of ['confirmed', 'finalized']) {
      const b = this.chain.blockAtHeight(this.chain.tip.height - this.chain.depthOf(commitment));
      if (!b) continue;
      for (const sig of b.txs) {
        const rec = this.chain.txs.get(sig);
        if (rec) this.logsFor(rec, commitment);
      }
    }
    this.checkSignatures();
    this.checkAccounts(false);
  }
}

module.exports = { PubSub };
