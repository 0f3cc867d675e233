'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const web3 = require('@solana/web3.js');
const { startServer, buildTx, send, airdrop } = require('../test-support/harness');

async function fixture(t) {
  const s = await startServer(t, { blockMs: 0, finalizeDepth: 3, skipSlotEvery: 0 });
  const payer = web3.Keypair.generate();
  await airdrop(s, payer.publicKey, 5_000_000_000);
  const transfer = async (lamports) => {
    const to = web3.Keypair.generate().publicKey;
    const built = await buildTx(s, [web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports })], [payer]);
    return { to, built };
  };
  const balance = async (pk) => (await s.call('getBalance', [pk.toBase58(), { commitment: 'processed' }])).value;
  const status = async (sig) => (await s.call('getSignatureStatuses', [[sig], { searchTransactionHistory: true }])).value[0];
  return { s, payer, transfer, balance, status };
}

test('localnet_dropNextTransactions: accepted, signature returned, never lands', async (t) => {
  const { s, transfer, balance, status } = await fixture(t);
  assert.deepEqual(await s.call('localnet_dropNextTransactions', [{ count: 2 }]), { pendingDrops: 2 });
  const a = await transfer(1_000_000);
  const b = await transfer(2_000_000);
  const c = await transfer(3_000_000);
  assert.equal(await send(s, a.built), a.built.signature);
  assert.equal(await send(s, b.built, { skipPreflight: true }), b.built.signature);
  assert.equal(await send(s, c.built), c.built.signature);
  await s.call('localnet_advanceBlocks', [{ count: 5 }]);
  assert.equal(await status(a.built.signature), null);
  assert.equal(await status(b.built.signature), null);
  assert.equal(await balance(a.to), 0);
  assert.equal(await balance(b.to), 0);
  assert.equal((await status(c.built.signature)).confirmationStatus, 'finalized', 'only the next 2 are dropped');
  assert.equal(await balance(c.to), 3_000_000);
  // A dropped transaction can be re-sent while its blockhash is valid (what a client's retry does).
  assert.equal(await send(s, a.built), a.built.signature);
  assert.equal(await balance(a.to), 1_000_000);
  // Preflight still runs before a drop: a failing transaction is still rejected.
  await s.call('localnet_dropNextTransactions', { count: 1 });
  const d = await transfer(1_000_000);
  const bad = Buffer.from(d.built.raw);
  bad[5] ^= 1;
  await s.call('sendTransaction', [bad.toString('base64'), { encoding: 'base64', preflightCommitment: 'processed' }]).then(
    () => assert.fail('preflight should reject a bad signature'),
    (e) => assert.equal(e.code, -32003),
  );
  assert.equal((await s.call('localnet_status')).pendingDrops, 1, 'a preflight failure does not use up a drop');
});

test('localnet_delayNextTransactions: lands only after N blocks', async (t) => {
  const { s, transfer, balance, status } = await fixture(t);
  assert.deepEqual(await s.call('localnet_delayNextTransactions', [{ count: 1, blocks: 3 }]), { pendingDelays: 1, blocks: 3 });
  const a = await transfer(1_500_000);
  const b = await transfer(2_500_000);
  const h0 = await s.call('getBlockHeight', [{ commitment: 'processed' }]);
  assert.equal(await send(s, a.built), a.built.signature);
  assert.equal(await send(s, b.built), b.built.signature);
  assert.equal(await status(a.built.signature), null);
  assert.equal(await balance(a.to), 0);
  assert.equal((await status(b.built.signature)).confirmationStatus, 'processed', 'only the next 1 is delayed');
  await s.call('localnet_advanceBlocks', [{ count: 2 }]);
  assert.equal(await status(a.built.signature), null);
  await s.call('localnet_advanceBlocks', [{ count: 1 }]);
  const st = await status(a.built.signature);
  assert.equal(st.confirmationStatus, 'processed');
  assert.equal(await balance(a.to), 1_500_000);
  const landedSlot = await s.call('getSlot', [{ commitment: 'processed' }]);
  assert.equal(st.slot, landedSlot);
  assert.equal(await s.call('getBlockHeight', [{ commitment: 'processed' }]), h0 + 3);
});

test('a delayed transaction whose blockhash expires meanwhile never lands', async (t) => {
  const { s, transfer, balance, status } = await fixture(t);
  const a = await transfer(1_000_000);
  await s.call('localnet_advanceBlocks', [{ count: 140 }]);
  await s.call('localnet_delayNextTransactions', [{ count: 1, blocks: 20 }]);
  await send(s, a.built);
  await s.call('localnet_advanceBlocks', [{ count: 25 }]);
  assert.equal(await status(a.built.signature), null);
  assert.equal(await balance(a.to), 0);
  assert.ok((await s.call('localnet_status')).stats.expired >= 1);
});
