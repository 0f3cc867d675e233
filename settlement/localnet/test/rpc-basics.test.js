'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const web3 = require('@solana/web3.js');
const { startServer, airdrop, rpcError, waitFor } = require('../test-support/harness');

test('basic methods, shapes and JSON-RPC errors', async (t) => {
  const s = await startServer(t, { blockMs: 0, finalizeDepth: 4, skipSlotEvery: 3 });

  await t.test('getHealth, getVersion, GET /health', async () => {
    assert.equal(await s.call('getHealth'), 'ok');
    const v = await s.call('getVersion');
    assert.equal(typeof v['solana-core'], 'string');
    assert.equal(typeof v['feature-set'], 'number');
    const res = await fetch(`${s.url}/health`);
    assert.equal(await res.text(), 'ok');
  });

  await t.test('slot runs ahead of block height (skipped slots)', async () => {
    assert.equal(await s.call('getSlot', [{ commitment: 'processed' }]), 0);
    const r = await s.call('localnet_advanceBlocks', [{ count: 9 }]);
    assert.equal(r.blockHeight, 9);
    assert.equal(r.slot, 12); // every 3rd block skips a slot
    assert.equal(await s.call('getBlockHeight', [{ commitment: 'processed' }]), 9);
    assert.equal(await s.call('getSlot', [{ commitment: 'processed' }]), 12);
  });

  await t.test('getLatestBlockhash: context, lastValidBlockHeight = height + 150', async () => {
    const r = await s.call('getLatestBlockhash', [{ commitment: 'processed' }]);
    assert.deepEqual(Object.keys(r), ['context', 'value']);
    assert.equal(r.context.slot, 12);
    assert.equal(typeof r.context.apiVersion, 'string');
    assert.equal(r.value.lastValidBlockHeight, 9 + 150);
    assert.equal(Buffer.from(require('../src/base58').decode(r.value.blockhash)).length, 32);
    const valid = await s.call('isBlockhashValid', [r.value.blockhash, { commitment: 'processed' }]);
    assert.deepEqual(valid, { context: r.context, value: true });
    const bogus = await s.call('isBlockhashValid', ['4QjEBrJnATvydaCoPb7j4cneA5vSJNFsAYHQwRAjAjmQ', { commitment: 'processed' }]);
    assert.equal(bogus.value, false);
    await s.call('localnet_advanceBlocks', [{ count: 150 }]);
    assert.equal((await s.call('isBlockhashValid', [r.value.blockhash, { commitment: 'processed' }])).value, true);
    await s.call('localnet_advanceBlocks', [{ count: 1 }]);
    assert.equal((await s.call('isBlockhashValid', [r.value.blockhash, { commitment: 'processed' }])).value, false);
  });

  await t.test('requestAirdrop, getBalance, getAccountInfo encodings, getMultipleAccounts', async () => {
    const kp = web3.Keypair.generate();
    const missing = web3.Keypair.generate().publicKey.toBase58();
    const sig = await airdrop(s, kp.publicKey, 2_500_000_000);
    assert.equal(typeof sig, 'string');
    const st = await s.call('getSignatureStatuses', [[sig]]);
    assert.equal(st.value[0].confirmationStatus, 'processed');
    assert.equal(st.value[0].err, null);
    assert.deepEqual(st.value[0].status, { Ok: null });
    const bal = await s.call('getBalance', [kp.publicKey.toBase58(), { commitment: 'processed' }]);
    assert.equal(bal.value, 2_500_000_000);
    assert.equal(typeof bal.context.slot, 'number');
    assert.equal((await s.call('getBalance', [missing, { commitment: 'processed' }])).value, 0);

    const info = await s.call('getAccountInfo', [kp.publicKey.toBase58(), { commitment: 'processed', encoding: 'base64' }]);
    assert.deepEqual(info.value, {
      data: ['', 'base64'],
      executable: false,
      lamports: 2_500_000_000,
      owner: '11111111111111111111111111111111',
      rentEpoch: 18446744073709551615,
      space: 0,
    });
    // rentEpoch is u64::MAX written as a plain JSON number, exactly
    const raw = await s.rpc.raw({ jsonrpc: '2.0', id: 1, method: 'getAccountInfo', params: [kp.publicKey.toBase58(), { commitment: 'processed' }] });
    assert.equal(raw.result.value.data, '');
    const text = await (await fetch(s.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getAccountInfo', params: [kp.publicKey.toBase58(), { commitment: 'processed' }] }) })).text();
    assert.match(text, /"rentEpoch":18446744073709551615/);

    const b58 = await s.call('getAccountInfo', [kp.publicKey.toBase58(), { commitment: 'processed', encoding: 'base58' }]);
    assert.deepEqual(b58.value.data, ['', 'base58']);
    const parsedFallback = await s.call('getAccountInfo', [kp.publicKey.toBase58(), { commitment: 'processed', encoding: 'jsonParsed' }]);
    assert.deepEqual(parsedFallback.value.data, ['', 'base64']);
    assert.equal((await s.call('getAccountInfo', [missing, { commitment: 'processed' }])).value, null);

    const multi = await s.call('getMultipleAccounts', [[kp.publicKey.toBase58(), missing], { commitment: 'processed', encoding: 'base64' }]);
    assert.equal(multi.value.length, 2);
    assert.equal(multi.value[0].lamports, 2_500_000_000);
    assert.equal(multi.value[1], null);

    // base58 of program data larger than 128 bytes is refused, as by the real RPC
    const e = await rpcError(s.call('getAccountInfo', ['ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL', { encoding: 'base58' }]), -32600);
    assert.match(e.rpcMessage, /base 58/);
    const z = await s.call('getAccountInfo', ['ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL', { encoding: 'base64+zstd', dataSlice: { offset: 0, length: 4 } }]);
    assert.equal(z.value.data[1], 'base64+zstd');
    assert.equal(z.value.executable, true);
  });

  await t.test('Memo, Token and Associated Token Account programs are deployed', async () => {
    for (const id of [
      'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA',
      'ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL',
      'MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr',
      'Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo',
    ]) {
      const r = await s.call('getAccountInfo', [id, { encoding: 'base64', dataSlice: { offset: 0, length: 0 } }]);
      assert.equal(r.value && r.value.executable, true, id);
    }
  });

  await t.test('JSON-RPC errors: -32601, -32602, -32700, -32600, -32016, batch', async () => {
    const nf = await rpcError(s.call('getNothing'), -32601);
    assert.equal(nf.rpcMessage, 'Method not found');
    const bad = await rpcError(s.call('getBalance', ['not-a-key!']), -32602);
    assert.equal(bad.rpcMessage, 'Invalid param: Invalid');
    await rpcError(s.call('getBalance', ['abc']), -32602);
    await rpcError(s.call('getBalance', []), -32602);
    await rpcError(s.call('getSlot', [{ commitment: 'sideways' }]), -32602);
    const tooMany = await rpcError(s.call('getMultipleAccounts', [Array(101).fill('11111111111111111111111111111111')]), -32602);
    assert.match(tooMany.rpcMessage, /max 100/);
    const parse = await s.rpc.raw('{"jsonrpc":"2.0",');
    assert.deepEqual(parse, { jsonrpc: '2.0', error: { code: -32700, message: 'Parse error' }, id: null });
    const invalid = await s.rpc.raw({ id: 3, method: 'getSlot' });
    assert.equal(invalid.error.code, -32600);
    const slot = await s.call('getSlot', [{ commitment: 'processed' }]);
    const mcs = await rpcError(s.call('getSlot', [{ commitment: 'processed', minContextSlot: slot + 10 }]), -32016);
    assert.deepEqual(mcs.data, { contextSlot: slot });
    const batch = await s.rpc.raw([
      { jsonrpc: '2.0', id: 1, method: 'getHealth' },
      { jsonrpc: '2.0', id: 2, method: 'nope' },
    ]);
    assert.deepEqual(batch[0], { jsonrpc: '2.0', result: 'ok', id: 1 });
    assert.equal(batch[1].error.code, -32601);
  });

  await t.test('extra methods used by stock clients', async () => {
    assert.equal(await s.call('getMinimumBalanceForRentExemption', [165]), 2039280);
    const gh = await s.call('getGenesisHash');
    assert.equal(require('../src/base58').decode(gh).length, 32);
    const ei = await s.call('getEpochInfo', [{ commitment: 'processed' }]);
    assert.equal(ei.absoluteSlot, await s.call('getSlot', [{ commitment: 'processed' }]));
    const fees = await s.call('getRecentPrioritizationFees', []);
    assert.ok(fees.length > 0 && fees.length <= 150);
    assert.deepEqual(Object.keys(fees[0]), ['slot', 'prioritizationFee']);
  });
});

test('automatic block production, pause and resume', async (t) => {
  const s = await startServer(t, { blockMs: 20, finalizeDepth: 2 });
  await waitFor(async () => (await s.call('getBlockHeight', [{ commitment: 'processed' }])) >= 5, { what: 'blocks' });
  await s.call('localnet_pause');
  const h1 = await s.call('getBlockHeight', [{ commitment: 'processed' }]);
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(await s.call('getBlockHeight', [{ commitment: 'processed' }]), h1, 'no blocks while paused');
  const st = await s.call('localnet_status');
  assert.equal(st.paused, true);
  await s.call('localnet_resume');
  await waitFor(async () => (await s.call('getBlockHeight', [{ commitment: 'processed' }])) > h1 + 2, { what: 'blocks after resume' });
  const fin = await s.call('getBlockHeight', [{ commitment: 'finalized' }]);
  const conf = await s.call('getBlockHeight', [{ commitment: 'confirmed' }]);
  assert.ok(fin < conf, 'finalized lags confirmed');
});
