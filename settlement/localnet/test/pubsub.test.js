'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const WebSocket = require('ws');
const web3 = require('@solana/web3.js');
const { startServer, buildTx, send, airdrop } = require('../test-support/harness');

/** A websocket JSON-RPC client that queues every message it receives. */
async function wsClient(t, url) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  t.after(() => ws.terminate());
  const inbox = [];
  const waiters = [];
  ws.on('message', (d) => {
    inbox.push(JSON.parse(d.toString()));
    while (waiters.length) waiters.shift()();
  });
  let id = 0;
  const next = async (pred, what) => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const i = inbox.findIndex(pred);
      if (i >= 0) return inbox.splice(i, 1)[0];
      if (Date.now() > deadline) throw new Error(`no ${what} (inbox: ${JSON.stringify(inbox)})`);
      await new Promise((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  const call = async (method, params) => {
    const myId = ++id;
    ws.send(JSON.stringify({ jsonrpc: '2.0', id: myId, method, params }));
    return next((m) => m.id === myId, `response to ${method}`);
  };
  const notification = (method, sub) => next((m) => m.method === method && m.params.subscription === sub, `${method} for ${sub}`);
  return { ws, call, notification, inbox };
}

test('PubSub websocket: signature, slot, root, account and logs subscriptions', async (t) => {
  const s = await startServer(t, { blockMs: 0, finalizeDepth: 2, skipSlotEvery: 0 });
  const c = await wsClient(t, s.wsUrl);
  const payer = web3.Keypair.generate();
  await airdrop(s, payer.publicKey, 2_000_000_000);
  const to = web3.Keypair.generate().publicKey;
  const built = await buildTx(s, [web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 5_000_000 })], [payer]);

  const sigSub = (await c.call('signatureSubscribe', [built.signature, { commitment: 'confirmed', enableReceivedNotification: true }])).result;
  const procSub = (await c.call('signatureSubscribe', [built.signature, { commitment: 'processed' }])).result;
  const slotSub = (await c.call('slotSubscribe', [])).result;
  const rootSub = (await c.call('rootSubscribe', [])).result;
  const accSub = (await c.call('accountSubscribe', [to.toBase58(), { commitment: 'confirmed', encoding: 'base64' }])).result;
  const logSub = (await c.call('logsSubscribe', [{ mentions: [to.toBase58()] }, { commitment: 'processed' }])).result;
  assert.equal(new Set([sigSub, procSub, slotSub, rootSub, accSub, logSub]).size, 6);

  await send(s, built);
  const received = await c.notification('signatureNotification', sigSub);
  assert.equal(received.params.result.value, 'receivedSignature');
  const processed = await c.notification('signatureNotification', procSub);
  assert.deepEqual(processed.params.result.value, { err: null });
  const logs = await c.notification('logsNotification', logSub);
  assert.equal(logs.params.result.value.signature, built.signature);
  assert.equal(logs.params.result.value.err, null);
  assert.ok(logs.params.result.value.logs.includes('Program 11111111111111111111111111111111 success'));

  const { slot } = await s.call('localnet_advanceBlocks', [{ count: 1 }]);
  const slotN = await c.notification('slotNotification', slotSub);
  assert.equal(slotN.params.result.slot, slot);
  assert.equal(slotN.params.result.parent, slot - 1);
  const confirmed = await c.notification('signatureNotification', sigSub);
  assert.deepEqual(confirmed.params.result, { context: { slot: slot - 1 }, value: { err: null } });
  const acc = await c.notification('accountNotification', accSub);
  assert.equal(acc.params.result.value.lamports, 5_000_000);
  assert.deepEqual(acc.params.result.value.data, ['', 'base64']);
  const root = await c.notification('rootNotification', rootSub);
  assert.equal(typeof root.params.result, 'number');

  // a signature subscription is removed after its notification
  const un = await c.call('signatureUnsubscribe', [sigSub]);
  assert.equal(un.error.code, -32602);
  assert.equal(un.error.message, 'Invalid subscription id.');
  assert.equal((await c.call('slotUnsubscribe', [slotSub])).result, true);
  assert.equal((await c.call('accountSubscribe', ['nope'])).error.code, -32602);
  assert.equal((await c.call('getSlot', [])).error.code, -32601);

  // subscribing to a signature that already reached the commitment notifies at once
  const late = (await c.call('signatureSubscribe', [built.signature, { commitment: 'confirmed' }])).result;
  const lateN = await c.notification('signatureNotification', late);
  assert.deepEqual(lateN.params.result.value, { err: null });
});
