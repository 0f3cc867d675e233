'use strict';
// A stock @solana/web3.js client (HTTP JSON-RPC + the PubSub websocket on port + 1) works
// against the localnet unchanged.
const test = require('node:test');
const assert = require('node:assert/strict');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const { startServer, memoInstruction } = require('../test-support/harness');

test('@solana/web3.js Connection, sendAndConfirmTransaction and spl-token helpers', async (t) => {
  const s = await startServer(t, { blockMs: 100, finalizeDepth: 4 });
  const connection = new web3.Connection(s.url, 'confirmed');
  try {
    await exercise(connection, s);
  } finally {
    // Close the client's websocket (code 1000) while the server still runs, so that the client
    // does not keep reconnecting after the server is stopped.
    connection._rpcWebSocket.close();
    await new Promise((r) => setTimeout(r, 50));
  }
});

async function exercise(connection, s) {
  const version = await connection.getVersion();
  assert.equal(typeof version['solana-core'], 'string');
  assert.ok((await connection.getSlot('processed')) >= 0);

  const payer = web3.Keypair.generate();
  const airdropSig = await connection.requestAirdrop(payer.publicKey, 5 * web3.LAMPORTS_PER_SOL);
  const bh = await connection.getLatestBlockhash();
  const conf = await connection.confirmTransaction({ signature: airdropSig, ...bh }, 'confirmed');
  assert.equal(conf.value.err, null);
  assert.equal(await connection.getBalance(payer.publicKey), 5 * web3.LAMPORTS_PER_SOL);

  // sendAndConfirmTransaction with a memo
  const dest = web3.Keypair.generate();
  const tx = new web3.Transaction().add(
    web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: dest.publicKey, lamports: web3.LAMPORTS_PER_SOL }),
    memoInstruction('hello from web3.js', payer.publicKey),
  );
  const sig = await web3.sendAndConfirmTransaction(connection, tx, [payer]);
  assert.equal(await connection.getBalance(dest.publicKey), web3.LAMPORTS_PER_SOL);
  const got = await connection.getTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
  assert.equal(got.meta.err, null);
  assert.equal(got.meta.fee, 5000);
  const parsed = await connection.getParsedTransaction(sig, { commitment: 'confirmed', maxSupportedTransactionVersion: 0 });
  const memoIx = parsed.transaction.message.instructions.find((i) => i.program === 'spl-memo');
  assert.equal(memoIx.parsed, 'hello from web3.js');
  const sigs = await connection.getSignaturesForAddress(dest.publicKey, {}, 'confirmed');
  assert.equal(sigs[0].signature, sig);
  assert.equal(sigs[0].memo, '[18] hello from web3.js');
  const statuses = await connection.getSignatureStatuses([sig, airdropSig]);
  assert.ok(statuses.value.every((x) => x && x.err === null));

  // spl-token helpers (all of them confirm through sendAndConfirmTransaction)
  const mintAuthority = web3.Keypair.generate();
  const owner = web3.Keypair.generate();
  const mint = await spl.createMint(connection, payer, mintAuthority.publicKey, null, 6);
  const src = await spl.getOrCreateAssociatedTokenAccount(connection, payer, mint, payer.publicKey);
  const dst = await spl.getOrCreateAssociatedTokenAccount(connection, payer, mint, owner.publicKey);
  const again = await spl.getOrCreateAssociatedTokenAccount(connection, payer, mint, owner.publicKey);
  assert.ok(again.address.equals(dst.address));
  await spl.mintToChecked(connection, payer, mint, src.address, mintAuthority, 10_000_000n, 6);
  await spl.transferChecked(connection, payer, src.address, mint, dst.address, payer, 2_500_000n, 6);
  await spl.approveChecked(connection, payer, mint, dst.address, payer.publicKey, owner, 1_000_000n, 6);
  const dstAcc = await spl.getAccount(connection, dst.address);
  assert.equal(dstAcc.amount, 2_500_000n);
  assert.ok(dstAcc.delegate.equals(payer.publicKey));
  assert.equal(dstAcc.delegatedAmount, 1_000_000n);
  const mintAcc = await spl.getMint(connection, mint);
  assert.equal(mintAcc.supply, 10_000_000n);
  assert.equal(mintAcc.decimals, 6);
  const tb = await connection.getTokenAccountBalance(dst.address);
  assert.equal(tb.value.uiAmountString, '2.5');
  const pinfo = await connection.getParsedAccountInfo(dst.address);
  assert.equal(pinfo.value.data.parsed.info.delegatedAmount.amount, '1000000');
  const byOwner = await connection.getTokenAccountsByOwner(owner.publicKey, { mint });
  assert.equal(byOwner.value.length, 1);
  assert.ok(byOwner.value[0].pubkey.equals(dst.address));
  const supply = await connection.getTokenSupply(mint);
  assert.equal(supply.value.amount, '10000000');

  // simulation through the client
  const simTx = new web3.Transaction().add(
    spl.createTransferCheckedInstruction(dst.address, mint, src.address, owner.publicKey, 99_000_000n, 6),
  );
  simTx.feePayer = payer.publicKey;
  simTx.recentBlockhash = (await connection.getLatestBlockhash()).blockhash;
  simTx.sign(payer, owner);
  const sim = await connection.simulateTransaction(simTx);
  assert.deepEqual(sim.value.err, { InstructionError: [0, { Custom: 1 }] });
  await assert.rejects(web3.sendAndConfirmTransaction(connection, simTx, [payer, owner]), (e) => {
    assert.ok(e instanceof web3.SendTransactionError);
    assert.match(e.message, /custom program error: 0x1/);
    return true;
  });

  // account subscription over the websocket
  const changed = new Promise((resolve) => {
    const id = connection.onAccountChange(dest.publicKey, (info) => {
      connection.removeAccountChangeListener(id);
      resolve(info.lamports);
    }, 'confirmed');
  });
  await new Promise((r) => setTimeout(r, 200));
  await web3.sendAndConfirmTransaction(
    connection,
    new web3.Transaction().add(web3.SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: dest.publicKey, lamports: 1000 })),
    [payer],
  );
  assert.equal(await changed, web3.LAMPORTS_PER_SOL + 1000);

  const fees = await connection.getRecentPrioritizationFees();
  assert.ok(fees.length > 0);
  const epoch = await connection.getEpochInfo();
  assert.ok(epoch.blockHeight > 0);
}
