'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const b58 = require('../src/base58');
const { startServer, buildTx, send, airdrop, tokenFixture, memoInstruction, rpcError, latestBlockhash } = require('../test-support/harness');

async function tokenAmount(s, ata, commitment = 'processed') {
  return (await s.call('getTokenAccountBalance', [ata.toBase58(), { commitment }])).value.amount;
}

test('transactions against the real SVM', async (t) => {
  const s = await startServer(t, { blockMs: 0, finalizeDepth: 3 });
  const f = await tokenFixture(s, { aliceAmount: 5_000_000n });
  await s.call('localnet_advanceBlocks', [{ count: 1 }]);

  await t.test('signed SPL TransferChecked with memo lands', async () => {
    const built = await buildTx(
      s,
      [
        spl.createTransferCheckedInstruction(f.aliceAta, f.mint, f.bobAta, f.alice.publicKey, 1_250_000n, 6),
        memoInstruction('batch 42 root abcd', f.alice.publicKey),
      ],
      [f.payer, f.alice],
    );
    const sig = await send(s, built);
    assert.equal(sig, built.signature);
    assert.equal(await tokenAmount(s, f.aliceAta), '3750000');
    assert.equal(await tokenAmount(s, f.bobAta), '1250000');
    const bal = await s.call('getTokenAccountBalance', [f.bobAta.toBase58(), { commitment: 'processed' }]);
    assert.deepEqual(bal.value, { amount: '1250000', decimals: 6, uiAmount: 1.25, uiAmountString: '1.25' });

    const st = (await s.call('getSignatureStatuses', [[sig]])).value[0];
    assert.equal(st.confirmationStatus, 'processed');
    assert.equal(st.confirmations, 0);
    // getTransaction needs at least confirmed
    await rpcError(s.call('getTransaction', [sig, { commitment: 'processed' }]), -32602);
    assert.equal(await s.call('getTransaction', [sig, { commitment: 'confirmed' }]), null);
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);

    const tx = await s.call('getTransaction', [sig, { commitment: 'confirmed', encoding: 'json' }]);
    assert.equal(tx.slot, st.slot);
    assert.equal(typeof tx.blockTime, 'number');
    assert.equal(tx.meta.err, null);
    assert.deepEqual(tx.meta.status, { Ok: null });
    assert.equal(tx.meta.fee, 10000); // two signatures
    const logs = tx.meta.logMessages;
    assert.equal(logs[0], 'Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA invoke [1]');
    assert.ok(logs.includes('Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA success'), logs.join('\n'));
    assert.ok(logs.includes('Program log: Memo (len 18)'), logs.join('\n'));
    assert.ok(logs.includes('Program log: batch 42 root abcd'), logs.join('\n'));
    assert.equal(logs[logs.length - 1], 'Program MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr success');
    assert.ok(tx.meta.computeUnitsConsumed > 0);
    assert.deepEqual(tx.transaction.signatures, [sig, b58.encode(built.tx.signatures[1].signature)]);
    assert.equal(tx.transaction.message.accountKeys[0], f.payer.publicKey.toBase58());
    assert.equal(tx.meta.preBalances[0] - tx.meta.postBalances[0], 10000);
    const pre = tx.meta.preTokenBalances.find((b) => b.owner === f.bob.publicKey.toBase58());
    const post = tx.meta.postTokenBalances.find((b) => b.owner === f.bob.publicKey.toBase58());
    assert.equal(pre.uiTokenAmount.amount, '0');
    assert.equal(post.uiTokenAmount.amount, '1250000');
    assert.equal(post.mint, f.mint.toBase58());
    assert.equal(post.programId, spl.TOKEN_PROGRAM_ID.toBase58());
    assert.ok(!('version' in tx), 'version only with maxSupportedTransactionVersion');

    const b64 = await s.call('getTransaction', [sig, { commitment: 'confirmed', encoding: 'base64', maxSupportedTransactionVersion: 0 }]);
    assert.deepEqual(b64.transaction, [built.base64, 'base64']);
    assert.equal(b64.version, 'legacy');
    const parsed = await s.call('getTransaction', [sig, { commitment: 'confirmed', encoding: 'jsonParsed' }]);
    const memoIx = parsed.transaction.message.instructions.find((i) => i.program === 'spl-memo');
    assert.equal(memoIx.parsed, 'batch 42 root abcd');
    assert.equal(parsed.transaction.message.accountKeys[0].signer, true);

    const sigs = await s.call('getSignaturesForAddress', [f.bobAta.toBase58(), { commitment: 'confirmed' }]);
    assert.equal(sigs[0].signature, sig);
    assert.equal(sigs[0].memo, '[18] batch 42 root abcd');
    assert.equal(sigs[0].err, null);
    assert.equal(sigs[0].confirmationStatus, 'confirmed');
    assert.equal(sigs.length, 2); // the ATA creation and the transfer
    const limited = await s.call('getSignaturesForAddress', [f.bobAta.toBase58(), { commitment: 'confirmed', limit: 1 }]);
    assert.deepEqual(limited.map((x) => x.signature), [sig]);
    const before = await s.call('getSignaturesForAddress', [f.bobAta.toBase58(), { commitment: 'confirmed', before: sig }]);
    assert.equal(before.length, 1);
    assert.notEqual(before[0].signature, sig);

    const info = await s.call('getAccountInfo', [f.bobAta.toBase58(), { commitment: 'confirmed', encoding: 'jsonParsed' }]);
    assert.equal(info.value.data.program, 'spl-token');
    assert.equal(info.value.data.parsed.type, 'account');
    assert.equal(info.value.data.parsed.info.tokenAmount.amount, '1250000');
    assert.equal(info.value.data.parsed.info.owner, f.bob.publicKey.toBase58());
    const mintInfo = await s.call('getAccountInfo', [f.mint.toBase58(), { commitment: 'confirmed', encoding: 'jsonParsed' }]);
    assert.deepEqual(mintInfo.value.data.parsed, {
      info: { decimals: 6, freezeAuthority: null, isInitialized: true, mintAuthority: f.mintAuthority.publicKey.toBase58(), supply: '5000000' },
      type: 'mint',
    });
  });

  await t.test('base58 is the default sendTransaction encoding', async () => {
    const to = web3.Keypair.generate().publicKey;
    const built = await buildTx(s, [web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: to, lamports: 1_000_000 })], [f.payer]);
    const sig = await s.call('sendTransaction', [b58.encode(built.raw), { preflightCommitment: 'processed' }]);
    assert.equal(sig, built.signature);
    assert.equal((await s.call('getBalance', [to.toBase58(), { commitment: 'processed' }])).value, 1_000_000);
    await rpcError(s.call('sendTransaction', [built.base64]), -32602); // base64 text is not base58
    await rpcError(s.call('sendTransaction', ['AAAA', { encoding: 'base64' }]), -32602);
  });

  await t.test('bad signature: -32003 on preflight, never lands with skipPreflight', async () => {
    const to = web3.Keypair.generate().publicKey;
    const built = await buildTx(s, [web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: to, lamports: 5_000_000 })], [f.payer]);
    const raw = Buffer.from(built.raw);
    raw[1 + 10] ^= 0xff; // corrupt the first signature
    const e = await rpcError(s.call('sendTransaction', [raw.toString('base64'), { encoding: 'base64', preflightCommitment: 'processed' }]), -32003);
    assert.equal(e.rpcMessage, 'Transaction signature verification failure');
    const sig = await s.call('sendTransaction', [raw.toString('base64'), { encoding: 'base64', skipPreflight: true }]);
    await s.call('localnet_advanceBlocks', [{ count: 2 }]);
    assert.equal((await s.call('getSignatureStatuses', [[sig], { searchTransactionHistory: true }])).value[0], null);
    assert.equal((await s.call('getBalance', [to.toBase58(), { commitment: 'processed' }])).value, 0);
    // simulateTransaction with sigVerify: the same error
    await rpcError(s.call('simulateTransaction', [raw.toString('base64'), { encoding: 'base64', sigVerify: true, commitment: 'processed' }]), -32003);
  });

  await t.test('stale blockhash: valid for 150 blocks, then BlockhashNotFound', async () => {
    const { blockhash, lastValidBlockHeight } = await latestBlockhash(s);
    const to = web3.Keypair.generate().publicKey;
    const mk = async (lamports) => buildTx(s, [web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: to, lamports })], [f.payer], { blockhash });
    const h = await s.call('getBlockHeight', [{ commitment: 'processed' }]);
    await s.call('localnet_advanceBlocks', [{ count: lastValidBlockHeight - h }]);
    assert.equal(await s.call('getBlockHeight', [{ commitment: 'processed' }]), lastValidBlockHeight);
    await send(s, await mk(1_000_000)); // still valid at exactly lastValidBlockHeight
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    const stale = await mk(2_000_000);
    const e = await rpcError(send(s, stale), -32002);
    assert.equal(e.rpcMessage, 'Transaction simulation failed: Blockhash not found');
    assert.equal(e.data.err, 'BlockhashNotFound');
    assert.deepEqual(e.data.logs, []);
    assert.equal(e.data.unitsConsumed, 0);
    assert.ok('accounts' in e.data && 'returnData' in e.data);
    // with skipPreflight it is accepted by the RPC but dropped by the chain
    const sig = await send(s, stale, { skipPreflight: true });
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    assert.equal((await s.call('getSignatureStatuses', [[sig], { searchTransactionHistory: true }])).value[0], null);
    assert.equal((await s.call('getBalance', [to.toBase58(), { commitment: 'processed' }])).value, 1_000_000);
    // simulateTransaction reports it as a result, and replaceRecentBlockhash fixes it
    const sim = await s.call('simulateTransaction', [stale.base64, { encoding: 'base64', commitment: 'processed' }]);
    assert.equal(sim.value.err, 'BlockhashNotFound');
    const rep = await s.call('simulateTransaction', [stale.base64, { encoding: 'base64', commitment: 'processed', replaceRecentBlockhash: true }]);
    assert.equal(rep.value.err, null);
    const now = await latestBlockhash(s);
    assert.deepEqual(rep.value.replacementBlockhash, now);
    await rpcError(s.call('simulateTransaction', [stale.base64, { encoding: 'base64', replaceRecentBlockhash: true, sigVerify: true }]), -32602);
  });

  await t.test('duplicate transaction: AlreadyProcessed on preflight, not executed twice when skipping it', async () => {
    const to = web3.Keypair.generate().publicKey;
    const built = await buildTx(s, [web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: to, lamports: 3_000_000 })], [f.payer]);
    await send(s, built);
    const e = await rpcError(send(s, built), -32002);
    assert.equal(e.rpcMessage, 'Transaction simulation failed: This transaction has already been processed');
    assert.equal(e.data.err, 'AlreadyProcessed');
    const again = await send(s, built, { skipPreflight: true });
    assert.equal(again, built.signature);
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    assert.equal((await s.call('getBalance', [to.toBase58(), { commitment: 'processed' }])).value, 3_000_000);
    const sigs = await s.call('getSignaturesForAddress', [to.toBase58(), { commitment: 'confirmed' }]);
    assert.equal(sigs.length, 1);
  });

  await t.test('preflight failure carries the simulation (err with instruction index, logs)', async () => {
    const built = await buildTx(
      s,
      [
        memoInstruction('first', null),
        spl.createTransferCheckedInstruction(f.bobAta, f.mint, f.aliceAta, f.bob.publicKey, 999_999_999n, 6),
      ],
      [f.payer, f.bob],
    );
    const e = await rpcError(send(s, built), -32002);
    assert.equal(e.rpcMessage, 'Transaction simulation failed: Error processing Instruction 1: custom program error: 0x1');
    assert.deepEqual(e.data.err, { InstructionError: [1, { Custom: 1 }] });
    assert.ok(e.data.logs.includes('Program log: Error: insufficient funds'), e.data.logs.join('\n'));
    assert.ok(e.data.unitsConsumed > 0);
    assert.equal(e.data.accounts, null);
    assert.equal(e.data.returnData, null);
    // the same via simulateTransaction
    const sim = await s.call('simulateTransaction', [built.base64, { encoding: 'base64', commitment: 'processed', sigVerify: true }]);
    assert.deepEqual(sim.value.err, { InstructionError: [1, { Custom: 1 }] });
    assert.deepEqual(sim.value.logs, e.data.logs);
    // skipPreflight: it lands as a failed transaction and pays its fee
    const payerBefore = (await s.call('getBalance', [f.payer.publicKey.toBase58(), { commitment: 'processed' }])).value;
    const sig = await send(s, built, { skipPreflight: true });
    const st = (await s.call('getSignatureStatuses', [[sig]])).value[0];
    assert.deepEqual(st.err, { InstructionError: [1, { Custom: 1 }] });
    assert.deepEqual(st.status, { Err: { InstructionError: [1, { Custom: 1 }] } });
    const payerAfter = (await s.call('getBalance', [f.payer.publicKey.toBase58(), { commitment: 'processed' }])).value;
    assert.equal(payerBefore - payerAfter, 10000);
    assert.equal(await tokenAmount(s, f.bobAta), '1250000');
  });

  await t.test('simulateTransaction: logs, unitsConsumed, accounts, innerInstructions; no state change', async () => {
    const carol = web3.Keypair.generate();
    const carolAta = spl.getAssociatedTokenAddressSync(f.mint, carol.publicKey);
    const built = await buildTx(
      s,
      [
        spl.createAssociatedTokenAccountIdempotentInstruction(f.payer.publicKey, carolAta, carol.publicKey, f.mint),
        spl.createTransferCheckedInstruction(f.aliceAta, f.mint, carolAta, f.alice.publicKey, 7n, 6),
      ],
      [f.payer, f.alice],
    );
    const sim = await s.call('simulateTransaction', [
      built.base64,
      { encoding: 'base64', commitment: 'processed', innerInstructions: true, accounts: { encoding: 'jsonParsed', addresses: [carolAta.toBase58()] } },
    ]);
    assert.equal(sim.value.err, null);
    assert.ok(sim.value.unitsConsumed > 0);
    assert.ok(sim.value.logs[0].startsWith('Program ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL invoke [1]'));
    assert.equal(sim.value.accounts[0].data.parsed.info.tokenAmount.amount, '7');
    assert.ok(sim.value.innerInstructions.length >= 1);
    assert.equal(sim.value.innerInstructions[0].index, 0);
    assert.equal((await s.call('getAccountInfo', [carolAta.toBase58(), { commitment: 'processed' }])).value, null, 'simulation changed nothing');
  });

  await t.test('versioned (v0) transactions need maxSupportedTransactionVersion in getTransaction', async () => {
    const to = web3.Keypair.generate().publicKey;
    const { blockhash } = await latestBlockhash(s);
    const msg = new web3.TransactionMessage({
      payerKey: f.payer.publicKey,
      recentBlockhash: blockhash,
      instructions: [web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: to, lamports: 1_004_242 })],
    }).compileToV0Message();
    const vtx = new web3.VersionedTransaction(msg);
    vtx.sign([f.payer]);
    const sig = await s.call('sendTransaction', [Buffer.from(vtx.serialize()).toString('base64'), { encoding: 'base64', preflightCommitment: 'processed' }]);
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    const e = await rpcError(s.call('getTransaction', [sig, { commitment: 'confirmed' }]), -32015);
    assert.match(e.rpcMessage, /maxSupportedTransactionVersion/);
    const tx = await s.call('getTransaction', [sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }]);
    assert.equal(tx.version, 0);
    assert.deepEqual(tx.transaction.message.addressTableLookups, []);
    assert.equal((await s.call('getBalance', [to.toBase58(), { commitment: 'processed' }])).value, 1_004_242);
  });

  await t.test('v0 transaction with an address lookup table: loaded addresses in history', async () => {
    const slot = await s.call('getSlot', [{ commitment: 'processed' }]);
    const [createIx, table] = web3.AddressLookupTableProgram.createLookupTable({ authority: f.payer.publicKey, payer: f.payer.publicKey, recentSlot: slot });
    const dests = [web3.Keypair.generate().publicKey, web3.Keypair.generate().publicKey];
    const extendIx = web3.AddressLookupTableProgram.extendLookupTable({ payer: f.payer.publicKey, authority: f.payer.publicKey, lookupTable: table, addresses: dests });
    await send(s, await buildTx(s, [createIx, extendIx], [f.payer]));
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    const info = await s.call('getAccountInfo', [table.toBase58(), { commitment: 'processed', encoding: 'base64' }]);
    const lut = new web3.AddressLookupTableAccount({ key: table, state: web3.AddressLookupTableAccount.deserialize(Buffer.from(info.value.data[0], 'base64')) });
    assert.equal(lut.state.addresses.length, 2);
    const { blockhash } = await latestBlockhash(s);
    const msg = new web3.TransactionMessage({
      payerKey: f.payer.publicKey,
      recentBlockhash: blockhash,
      instructions: [
        web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: dests[0], lamports: 1_000_000 }),
        web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: dests[1], lamports: 2_000_000 }),
      ],
    }).compileToV0Message([lut]);
    assert.equal(msg.addressTableLookups.length, 1);
    const vtx = new web3.VersionedTransaction(msg);
    vtx.sign([f.payer]);
    const sig = await s.call('sendTransaction', [Buffer.from(vtx.serialize()).toString('base64'), { encoding: 'base64', preflightCommitment: 'processed' }]);
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    const tx = await s.call('getTransaction', [sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 }]);
    assert.equal(tx.meta.err, null);
    assert.deepEqual(tx.meta.loadedAddresses, { writable: dests.map((d) => d.toBase58()), readonly: [] });
    assert.equal(tx.transaction.message.addressTableLookups[0].accountKey, table.toBase58());
    assert.equal(tx.meta.postBalances.length, tx.transaction.message.accountKeys.length + 2);
    assert.deepEqual(tx.meta.postBalances.slice(-2), [1_000_000, 2_000_000]);
    assert.equal((await s.call('getBalance', [dests[1].toBase58(), { commitment: 'confirmed' }])).value, 2_000_000);
    const hist = await s.call('getSignaturesForAddress', [dests[0].toBase58(), { commitment: 'confirmed' }]);
    assert.deepEqual(hist.map((h) => h.signature), [sig]);
  });

  await t.test('getRecentPrioritizationFees reflects compute unit prices', async () => {
    const to = web3.Keypair.generate().publicKey;
    const built = await buildTx(
      s,
      [
        web3.ComputeBudgetProgram.setComputeUnitLimit({ units: 10_000 }),
        web3.ComputeBudgetProgram.setComputeUnitPrice({ microLamports: 5_000 }),
        web3.SystemProgram.transfer({ fromPubkey: f.payer.publicKey, toPubkey: to, lamports: 1_000_000 }),
      ],
      [f.payer],
    );
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    const slot = await s.call('getSlot', [{ commitment: 'processed' }]);
    const sig = await send(s, built);
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    const fees = await s.call('getRecentPrioritizationFees', [[to.toBase58()]]);
    assert.deepEqual(fees.find((x) => x.slot === slot), { slot, prioritizationFee: 5000 });
    const tx = await s.call('getTransaction', [sig, { commitment: 'confirmed' }]);
    assert.equal(tx.meta.fee, 5000 + 50); // 5000 µlamports * 10000 CU = 50 lamports
    const other = await s.call('getRecentPrioritizationFees', [[web3.Keypair.generate().publicKey.toBase58()]]);
    assert.equal(other.find((x) => x.slot === slot).prioritizationFee, 5000, 'block minimum applies to any account');
    const prev = fees.filter((x) => x.slot < slot).pop();
    assert.equal(prev.prioritizationFee, 0);
  });

  await t.test('status cache: statuses older than 300 blocks need searchTransactionHistory', async () => {
    const kp = web3.Keypair.generate();
    const sig = await airdrop(s, kp.publicKey, 1_000_000);
    await s.call('localnet_advanceBlocks', [{ count: 301 }]);
    assert.equal((await s.call('getSignatureStatuses', [[sig]])).value[0], null);
    const st = (await s.call('getSignatureStatuses', [[sig], { searchTransactionHistory: true }])).value[0];
    assert.equal(st.confirmationStatus, 'finalized');
    assert.equal(st.confirmations, null);
    const many = await rpcError(s.call('getSignatureStatuses', [Array(257).fill(sig)]), -32602);
    assert.match(many.rpcMessage, /max 256/);
  });
});
