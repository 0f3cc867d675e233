'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const web3 = require('@solana/web3.js');
const { startServer, buildTx, send, airdrop, rpcError } = require('../test-support/harness');

test('commitment views move processed -> confirmed -> finalized', async (t) => {
  const s = await startServer(t, { blockMs: 0, finalizeDepth: 4, skipSlotEvery: 0 });
  const payer = web3.Keypair.generate();
  await airdrop(s, payer.publicKey, 5_000_000_000);
  await s.call('localnet_advanceBlocks', [{ count: 10 }]); // payer's funds are finalized now

  const to = web3.Keypair.generate().publicKey;
  const built = await buildTx(s, [web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 7_000_000 })], [payer]);
  const sig = await send(s, built);
  const landedHeight = await s.call('getBlockHeight', [{ commitment: 'processed' }]);
  assert.equal(landedHeight, 10);

  const views = async () => ({
    status: (await s.call('getSignatureStatuses', [[sig]])).value[0],
    slot: {
      processed: await s.call('getSlot', [{ commitment: 'processed' }]),
      confirmed: await s.call('getSlot', [{ commitment: 'confirmed' }]),
      finalized: await s.call('getSlot', [{ commitment: 'finalized' }]),
      dflt: await s.call('getSlot'),
    },
    height: {
      processed: await s.call('getBlockHeight', [{ commitment: 'processed' }]),
      confirmed: await s.call('getBlockHeight', [{ commitment: 'confirmed' }]),
      finalized: await s.call('getBlockHeight', [{ commitment: 'finalized' }]),
    },
    balance: {
      processed: (await s.call('getBalance', [to.toBase58(), { commitment: 'processed' }])).value,
      confirmed: (await s.call('getBalance', [to.toBase58(), { commitment: 'confirmed' }])).value,
      finalized: (await s.call('getBalance', [to.toBase58(), { commitment: 'finalized' }])).value,
      dflt: (await s.call('getBalance', [to.toBase58()])).value,
    },
    account: {
      confirmed: (await s.call('getAccountInfo', [to.toBase58(), { commitment: 'confirmed', encoding: 'base64' }])).value,
      finalized: (await s.call('getAccountInfo', [to.toBase58(), { commitment: 'finalized', encoding: 'base64' }])).value,
    },
    payerFinalized: (await s.call('getBalance', [payer.publicKey.toBase58(), { commitment: 'finalized' }])).value,
    tx: {
      confirmed: await s.call('getTransaction', [sig, { commitment: 'confirmed' }]),
      finalized: await s.call('getTransaction', [sig, { commitment: 'finalized' }]),
    },
    sigsFinalized: await s.call('getSignaturesForAddress', [to.toBase58()]),
  });

  // Landed: processed only.
  let v = await views();
  assert.equal(v.status.confirmationStatus, 'processed');
  assert.equal(v.status.confirmations, 0);
  assert.deepEqual(v.height, { processed: 10, confirmed: 9, finalized: 6 });
  assert.deepEqual(v.slot, { processed: 10, confirmed: 9, finalized: 6, dflt: 6 });
  assert.deepEqual(v.balance, { processed: 7_000_000, confirmed: 0, finalized: 0, dflt: 0 });
  assert.equal(v.account.confirmed, null);
  assert.equal(v.payerFinalized, 5_000_000_000);
  assert.equal(v.tx.confirmed, null);
  assert.deepEqual(v.sigsFinalized, []);

  // One block later: confirmed.
  await s.call('localnet_advanceBlocks', [{ count: 1 }]);
  v = await views();
  assert.equal(v.status.confirmationStatus, 'confirmed');
  assert.equal(v.status.confirmations, 1);
  assert.deepEqual(v.balance, { processed: 7_000_000, confirmed: 7_000_000, finalized: 0, dflt: 0 });
  assert.equal(v.account.confirmed.lamports, 7_000_000);
  assert.equal(v.account.finalized, null);
  assert.equal(v.tx.confirmed.slot, 10);
  assert.equal(v.tx.finalized, null);

  // Still confirmed at depth 3.
  await s.call('localnet_advanceBlocks', [{ count: 2 }]);
  v = await views();
  assert.equal(v.status.confirmationStatus, 'confirmed');
  assert.equal(v.status.confirmations, 3);
  assert.equal(v.balance.finalized, 0);
  assert.equal(v.payerFinalized, 5_000_000_000);

  // finalize depth 4: finalized.
  await s.call('localnet_advanceBlocks', [{ count: 1 }]);
  v = await views();
  assert.equal(v.status.confirmationStatus, 'finalized');
  assert.equal(v.status.confirmations, null);
  assert.deepEqual(v.balance, { processed: 7_000_000, confirmed: 7_000_000, finalized: 7_000_000, dflt: 7_000_000 });
  assert.equal(v.payerFinalized, 5_000_000_000 - 7_000_000 - 5000);
  assert.equal(v.tx.finalized.slot, 10);
  assert.equal(v.sigsFinalized.length, 1);
  assert.equal(v.sigsFinalized[0].confirmationStatus, 'finalized');
});

test('blockhash views follow commitment', async (t) => {
  const s = await startServer(t, { blockMs: 0, finalizeDepth: 5, skipSlotEvery: 0 });
  await s.call('localnet_advanceBlocks', [{ count: 20 }]);
  const p = await s.call('getLatestBlockhash', [{ commitment: 'processed' }]);
  const c = await s.call('getLatestBlockhash', [{ commitment: 'confirmed' }]);
  const f = await s.call('getLatestBlockhash', [{ commitment: 'finalized' }]);
  assert.equal(p.value.lastValidBlockHeight, 20 + 150);
  assert.equal(c.value.lastValidBlockHeight, 19 + 150);
  assert.equal(f.value.lastValidBlockHeight, 15 + 150);
  assert.equal(p.context.slot, 20);
  assert.equal(f.context.slot, 15);
  assert.notEqual(p.value.blockhash, c.value.blockhash);
  // A blockhash from the processed block is not yet known to the finalized view
  assert.equal((await s.call('isBlockhashValid', [p.value.blockhash, { commitment: 'finalized' }])).value, false);
  assert.equal((await s.call('isBlockhashValid', [p.value.blockhash, { commitment: 'processed' }])).value, true);
  assert.equal((await s.call('isBlockhashValid', [f.value.blockhash, { commitment: 'finalized' }])).value, true);

  // Preflight at the default (finalized) commitment does not know a processed blockhash, as on a
  // real cluster; preflight at processed does.
  const payer = web3.Keypair.generate();
  await airdrop(s, payer.publicKey, 1_000_000_000);
  await s.call('localnet_advanceBlocks', [{ count: 5 }]);
  const to = web3.Keypair.generate().publicKey;
  const built = await buildTx(s, [web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: to, lamports: 1_000_000 })], [payer]);
  const e = await rpcError(s.call('sendTransaction', [built.base64, { encoding: 'base64' }]), -32002);
  assert.equal(e.data.err, 'BlockhashNotFound');
  await send(s, built, { preflightCommitment: 'confirmed' }).then(
    () => assert.fail('confirmed view does not know the newest blockhash either'),
    (err) => assert.equal(err.code, -32002),
  );
  assert.equal(await send(s, built, { preflightCommitment: 'processed' }), built.signature);
});
