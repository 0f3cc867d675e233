'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const { startServer, tmpDir, buildTx, send, airdrop, tokenFixture, memoInstruction, waitFor, rpcError } = require('../test-support/harness');

test('restart with the same state file keeps balances, signatures and advancing slots', async (t) => {
  const dir = tmpDir(t);
  const stateFile = path.join(dir, 'state', 'localnet-state.json');
  const opts = { blockMs: 0, finalizeDepth: 3, stateFile };
  const s1 = await startServer(t, opts);
  const f = await tokenFixture(s1, { aliceAmount: 9_000_000n });
  const xfer = await buildTx(
    s1,
    [spl.createTransferCheckedInstruction(f.aliceAta, f.mint, f.bobAta, f.alice.publicKey, 4_000_000n, 6), memoInstruction('settle 1', null)],
    [f.payer, f.alice],
  );
  const sig = await send(s1, xfer);
  await s1.call('localnet_advanceBlocks', [{ count: 4 }]);
  const oldBlockhash = (await s1.call('getLatestBlockhash', [{ commitment: 'processed' }])).value.blockhash;
  const later = web3.Keypair.generate().publicKey;
  const pending = await buildTx(s1, [web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: later, lamports: 1_000_000 })], [f.payer], { blockhash: oldBlockhash });
  await s1.call('localnet_delayNextTransactions', [{ count: 1, blocks: 2 }]);
  await send(s1, pending);
  const before = {
    slot: await s1.call('getSlot', [{ commitment: 'processed' }]),
    height: await s1.call('getBlockHeight', [{ commitment: 'processed' }]),
    genesis: await s1.call('getGenesisHash'),
    payer: (await s1.call('getBalance', [f.payer.publicKey.toBase58(), { commitment: 'processed' }])).value,
    tx: await s1.call('getTransaction', [sig, { commitment: 'finalized' }]),
  };
  assert.ok(before.tx, 'transfer finalized before the restart');
  const exit = await s1.stop('SIGTERM');
  assert.equal(exit.code, 0);
  assert.deepEqual(fs.readdirSync(path.dirname(stateFile)), ['localnet-state.json'], 'no temp file left behind');
  const saved = JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  assert.equal(saved.header.clean, true);

  const s2 = await startServer(t, opts);
  assert.equal(await s2.call('getGenesisHash'), before.genesis);
  assert.equal(await s2.call('getSlot', [{ commitment: 'processed' }]), before.slot, 'clean restart continues at the same tip');
  assert.equal(await s2.call('getBlockHeight', [{ commitment: 'processed' }]), before.height);
  await s2.call('localnet_advanceBlocks', [{ count: 1 }]);
  assert.ok((await s2.call('getSlot', [{ commitment: 'processed' }])) > before.slot);
  assert.ok((await s2.call('getBlockHeight', [{ commitment: 'processed' }])) > before.height);

  // balances
  const bal = async (ata) => (await s2.call('getTokenAccountBalance', [ata.toBase58(), { commitment: 'finalized' }])).value.amount;
  assert.equal(await bal(f.aliceAta), '5000000');
  assert.equal(await bal(f.bobAta), '4000000');
  const mintInfo = await s2.call('getAccountInfo', [f.mint.toBase58(), { encoding: 'jsonParsed' }]);
  assert.equal(mintInfo.value.data.parsed.info.supply, '9000000');
  assert.equal((await s2.call('getBalance', [f.payer.publicKey.toBase58(), { commitment: 'processed' }])).value, before.payer);

  // signatures and history
  const st = (await s2.call('getSignatureStatuses', [[sig]])).value[0];
  assert.equal(st.confirmationStatus, 'finalized');
  assert.equal(st.slot, before.tx.slot);
  assert.deepEqual(await s2.call('getTransaction', [sig, { commitment: 'finalized' }]), before.tx);
  const hist = await s2.call('getSignaturesForAddress', [f.bobAta.toBase58()]);
  assert.equal(hist[0].signature, sig);
  assert.equal(hist[0].memo, '[8] settle 1');

  // the status cache survives: the same transaction is still a duplicate
  const dup = await rpcError(send(s2, xfer, { preflightCommitment: 'finalized' }), -32002);
  assert.equal(dup.data.err, 'AlreadyProcessed');

  // the delayed transaction (blockhash from before the restart) lands after its 2 blocks
  await s2.call('localnet_advanceBlocks', [{ count: 1 }]);
  assert.equal((await s2.call('getBalance', [later.toBase58(), { commitment: 'processed' }])).value, 1_000_000);

  // the old blockhash is still usable for new transactions within its 150 blocks
  const to = web3.Keypair.generate().publicKey;
  const fresh = await buildTx(s2, [web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: to, lamports: 2_000_000 })], [f.payer], { blockhash: oldBlockhash });
  await send(s2, fresh);
  assert.equal((await s2.call('getBalance', [to.toBase58(), { commitment: 'processed' }])).value, 2_000_000);

  // restored token accounts work with the token program
  const again = await buildTx(s2, [spl.createTransferCheckedInstruction(f.aliceAta, f.mint, f.bobAta, f.alice.publicKey, 1_500_000n, 6)], [f.payer, f.alice]);
  await send(s2, again);
  assert.equal((await s2.call('getTokenAccountBalance', [f.aliceAta.toBase58(), { commitment: 'processed' }])).value.amount, '3500000');
  assert.equal((await s2.call('getTokenAccountBalance', [f.bobAta.toBase58(), { commitment: 'processed' }])).value.amount, '5500000');
});

test('after kill -9 confirmed transactions survive and slots never go back', async (t) => {
  const dir = tmpDir(t);
  const stateFile = path.join(dir, 'localnet-state.json');
  const opts = { blockMs: 25, finalizeDepth: 3, stateFile };
  const s1 = await startServer(t, opts);
  const payer = web3.Keypair.generate();
  const sig = await airdrop(s1, payer.publicKey, 3_000_000_000);
  await waitFor(async () => {
    const st = (await s1.call('getSignatureStatuses', [[sig]])).value[0];
    return st && st.confirmationStatus !== 'processed';
  }, { what: 'confirmation' });
  const seenSlot = await s1.call('getSlot', [{ commitment: 'processed' }]);
  const seenHeight = await s1.call('getBlockHeight', [{ commitment: 'processed' }]);
  const exit = await s1.stop('SIGKILL');
  assert.equal(exit.signal, 'SIGKILL');
  assert.equal(JSON.parse(fs.readFileSync(stateFile, 'utf8')).header.clean, false);

  const s2 = await startServer(t, { ...opts, blockMs: 0 });
  const st = (await s2.call('getSignatureStatuses', [[sig], { searchTransactionHistory: true }])).value[0];
  assert.ok(st && st.err === null, 'confirmed airdrop survived');
  assert.equal((await s2.call('getBalance', [payer.publicKey.toBase58(), { commitment: 'confirmed' }])).value, 3_000_000_000);
  assert.ok((await s2.call('getSlot', [{ commitment: 'processed' }])) > seenSlot);
  assert.ok((await s2.call('getBlockHeight', [{ commitment: 'processed' }])) > seenHeight);
});

test('an unreadable state file stops the server and is left untouched', async (t) => {
  const dir = tmpDir(t);
  const stateFile = path.join(dir, 'localnet-state.json');
  fs.writeFileSync(stateFile, '{"header": {"format": "something-else"');
  await assert.rejects(startServer(t, { stateFile }), /state file .* is not readable JSON/);
  assert.equal(fs.readFileSync(stateFile, 'utf8'), '{"header": {"format": "something-else"');
  fs.writeFileSync(stateFile, '{"header": {"format": "something-else"}}');
  await assert.rejects(startServer(t, { stateFile }), /is not a quantdesk-localnet-state v1 file/);
});

test('a second localnet on the same state file is refused; a stale lock is taken over', async (t) => {
  const dir = tmpDir(t);
  const stateFile = path.join(dir, 'localnet-state.json');
  const s1 = await startServer(t, { stateFile });
  const payer = web3.Keypair.generate();
  await airdrop(s1, payer.publicKey, 1_000_000_000);
  await s1.call('localnet_advanceBlocks', [{ count: 1 }]);
  const before = fs.readFileSync(stateFile, 'utf8');
  await assert.rejects(startServer(t, { stateFile }), new RegExp(`state file .* is in use by process ${s1.proc.pid}`));
  assert.equal(fs.readFileSync(stateFile, 'utf8'), before, 'the refused instance did not write');
  assert.equal(await s1.call('getHealth'), 'ok');
  await s1.stop('SIGKILL');
  assert.ok(fs.existsSync(`${stateFile}.lock`), 'a killed process leaves its lock');
  const s2 = await startServer(t, { stateFile });
  assert.equal((await s2.call('getBalance', [payer.publicKey.toBase58(), { commitment: 'confirmed' }])).value, 1_000_000_000);
  await s2.stop('SIGTERM');
  assert.equal(fs.existsSync(`${stateFile}.lock`), false, 'a clean stop releases the lock');
});
