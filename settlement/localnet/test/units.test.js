'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const web3 = require('@solana/web3.js');
const splToken = require('@solana/spl-token');
const b58 = require('../src/base58');
const wire = require('../src/wire');
const errors = require('../src/errors');
const token = require('../src/token');
const spl = require('../src/spl');
const zstd = require('../src/zstd');
const { stringify } = require('../src/json');
const { Keypair, verify } = require('../src/ed25519');
const { Config } = require('../src/config');
const { tmpDir } = require('../test-support/harness');

test('base58 round trip and known values', () => {
  assert.equal(b58.encode(Buffer.alloc(32)), '11111111111111111111111111111111');
  assert.equal(b58.encode(Buffer.from('hello world')), 'StV1DL6CwTryKyV');
  assert.deepEqual(b58.decode('StV1DL6CwTryKyV'), Buffer.from('hello world'));
  assert.deepEqual(b58.decode(''), Buffer.alloc(0));
  for (let i = 0; i < 200; i++) {
    const b = crypto.randomBytes(i % 70);
    if (i % 5 === 0 && b.length > 2) b[0] = b[1] = 0;
    assert.deepEqual(b58.decode(b58.encode(b)), b);
    const k = crypto.randomBytes(32);
    if (i % 7 === 0) k[0] = 0;
    assert.equal(b58.encode(k), new web3.PublicKey(k).toBase58());
  }
  assert.throws(() => b58.decode('0OIl'), /invalid base58 character/);
});

test('ed25519 keypairs sign like web3.js and verify', () => {
  const kp = Keypair.generate();
  const w = web3.Keypair.fromSecretKey(kp.secretKey);
  assert.deepEqual(Buffer.from(w.publicKey.toBytes()), kp.publicKey);
  const msg = Buffer.from('message');
  const sig = kp.sign(msg);
  assert.ok(verify(msg, sig, kp.publicKey));
  const bad = Buffer.from(sig);
  bad[0] ^= 1;
  assert.equal(verify(msg, bad, kp.publicKey), false);
  assert.equal(verify(msg, sig, Buffer.alloc(32, 0xff)), false);
});

test('wire: parse, sanitize, compile like web3.js', () => {
  const payer = Keypair.generate();
  const wp = web3.Keypair.fromSecretKey(payer.secretKey);
  const to = web3.Keypair.generate().publicKey;
  const bh = b58.encode(crypto.randomBytes(32));
  const ix = web3.SystemProgram.transfer({ fromPubkey: wp.publicKey, toPubkey: to, lamports: 12345 });
  const tx = new web3.Transaction({ feePayer: wp.publicKey, recentBlockhash: bh }).add(ix);
  tx.sign(wp);
  const raw = tx.serialize();
  const p = wire.parseTransaction(raw);
  assert.equal(p.message.version, 'legacy');
  assert.deepEqual(p.message.header, { numRequiredSignatures: 1, numReadonlySignedAccounts: 0, numReadonlyUnsignedAccounts: 1 });
  assert.equal(b58.encode(p.message.recentBlockhash), bh);
  assert.equal(wire.sanitize(p), null);
  assert.ok(wire.isStaticWritable(p.message, 0) && wire.isStaticWritable(p.message, 1) && !wire.isStaticWritable(p.message, 2));
  const compiled = wire.compileLegacyMessage(payer.publicKey, [{ programId: ix.programId.toBuffer(), keys: ix.keys.map((k) => ({ ...k, pubkey: k.pubkey.toBuffer() })), data: ix.data }], b58.decode(bh));
  assert.deepEqual(wire.signAndSerialize(compiled, [payer]), Buffer.from(raw));
  const replaced = wire.replaceBlockhash(raw, p, Buffer.alloc(32, 7));
  assert.deepEqual(wire.parseTransaction(replaced).message.recentBlockhash, Buffer.alloc(32, 7));
  assert.throws(() => wire.parseTransaction(raw.subarray(0, raw.length - 1)), /unexpected end/);
  assert.throws(() => wire.parseTransaction(Buffer.concat([raw, Buffer.from([0])])), /trailing/);
  // no signatures while the header requires one
  assert.equal(wire.sanitize(wire.parseTransaction(Buffer.concat([Buffer.from([0]), raw.subarray(65)]))), 'SanitizeFailure');
  assert.deepEqual(wire.shortU16(0x3fff), Buffer.from([0xff, 0x7f]));
  assert.deepEqual(wire.readShortU16(Buffer.from([0x80, 0x80, 0x01]), 0), [0x4000, 3]);
});

test('transaction errors: JSON forms and messages as the RPC prints them', () => {
  assert.equal(errors.message('BlockhashNotFound'), 'Blockhash not found');
  assert.equal(errors.message('AlreadyProcessed'), 'This transaction has already been processed');
  assert.equal(errors.message({ InstructionError: [2, { Custom: 17 }] }), 'Error processing Instruction 2: custom program error: 0x11');
  assert.equal(errors.message({ InstructionError: [0, 'InvalidAccountData'] }), 'Error processing Instruction 0: invalid account data for instruction');
  assert.equal(errors.message({ InsufficientFundsForRent: { account_index: 1 } }), 'Transaction results in an account (1) with insufficient funds for rent');
  assert.equal(errors.fromLitesvm(7), 'BlockhashNotFound');
  assert.equal(errors.TX_FIELDLESS[6], 'AlreadyProcessed');
  assert.equal(errors.IX_FIELDLESS[36], 'ComputationalBudgetExceeded');
  assert.deepEqual(new errors.RpcError(-32002, 'x', { err: 'A' }).toJSON(), { code: -32002, message: 'x', data: { err: 'A' } });
});

test('token layouts and UI amounts', () => {
  assert.equal(token.uiAmountString(0n, 6), '0');
  assert.equal(token.uiAmountString(1_500_000n, 6), '1.5');
  assert.equal(token.uiAmountString(123n, 6), '0.000123');
  assert.equal(token.uiAmountString(42n, 0), '42');
  assert.deepEqual(token.uiTokenAmount(2_500_250_000n, 6), { amount: '2500250000', decimals: 6, uiAmount: 2500.25, uiAmountString: '2500.25' });
  const data = Buffer.alloc(165);
  const mint = crypto.randomBytes(32);
  const owner = crypto.randomBytes(32);
  mint.copy(data, 0);
  owner.copy(data, 32);
  data.writeBigUInt64LE(77n, 64);
  data[108] = 1;
  const acc = token.decodeTokenAccount(token.TOKEN_PROGRAM_ID, data);
  assert.equal(acc.mint, b58.encode(mint));
  assert.equal(acc.owner, b58.encode(owner));
  assert.equal(acc.amount, 77n);
  assert.equal(acc.delegate, null);
  assert.equal(token.decodeTokenAccount('11111111111111111111111111111111', data), null);
  data[108] = 0;
  assert.equal(token.decodeTokenAccount(token.TOKEN_PROGRAM_ID, data), null, 'uninitialized');
});

test("setup's token instructions are byte-identical to @solana/spl-token's", () => {
  const [mint, owner, payer, auth] = Array.from({ length: 4 }, () => web3.Keypair.generate().publicKey);
  const ata = splToken.getAssociatedTokenAddressSync(mint, owner);
  assert.ok(spl.associatedTokenAddress(mint, owner).equals(ata));
  const same = (a, b) => {
    assert.ok(a.programId.equals(b.programId));
    assert.deepEqual(Buffer.from(a.data), Buffer.from(b.data));
    assert.deepEqual(
      a.keys.map((k) => [k.pubkey.toBase58(), k.isSigner, k.isWritable]),
      b.keys.map((k) => [k.pubkey.toBase58(), k.isSigner, k.isWritable]),
    );
  };
  same(spl.initializeMint2(mint, 6, auth), splToken.createInitializeMint2Instruction(mint, 6, auth, null));
  same(spl.initializeMint2(mint, 6, auth, owner), splToken.createInitializeMint2Instruction(mint, 6, auth, owner));
  same(spl.createAssociatedTokenAccountIdempotent(payer, ata, owner, mint), splToken.createAssociatedTokenAccountIdempotentInstruction(payer, ata, owner, mint));
  same(spl.mintToChecked(mint, ata, auth, 123456789n, 6), splToken.createMintToCheckedInstruction(mint, ata, auth, 123456789n, 6));
  same(spl.approveChecked(ata, mint, auth, owner, 5n, 6), splToken.createApproveCheckedInstruction(ata, mint, auth, owner, 5n, 6));
  assert.equal(spl.MINT_SIZE, splToken.MINT_SIZE);
});

test('json: BigInt written as exact numbers', () => {
  assert.equal(stringify({ a: 18446744073709551615n, b: [1, 'x', null, undefined], c: undefined }), '{"a":18446744073709551615,"b":[1,"x",null,null]}');
});

test('zstd raw frames carry the data with a correct header', () => {
  for (const n of [0, 10, 300, 70000]) {
    const d = crypto.randomBytes(n);
    const f = zstd.frame(d);
    assert.deepEqual(f.subarray(0, 4), Buffer.from([0x28, 0xb5, 0x2f, 0xfd]));
    assert.ok(f.includes(d));
  }
});

test('config: amounts, includes and their merge rules, errors with file:line', (t) => {
  const dir = tmpDir(t);
  const w = (name, text) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  w('a.yaml', 'accounts:\n  - id: "A1"\n    collateral: "1"\nsettlement:\n  vault_float: "5"\n');
  w('b.yaml', 'accounts:\n  - id: "B1"\n    collateral: 2.5\n');
  const main = w('main.yaml', 'include: [a.yaml, b.yaml]\naccounts:\n  - id: "M1"\n    collateral: "0.000001"\nsettlement:\n  vault_float: "7"\nlocalnet:\n  port: 8999\n');
  const cfg = Config.load(main);
  const list = cfg.list('accounts');
  assert.deepEqual(list.map((r) => cfg.str(['id'], { base: r })), ['A1', 'B1', 'M1']);
  assert.deepEqual(list.map((r) => cfg.amount(['collateral'], { base: r })), [1_000_000n, 2_500_000n, 1n]);
  assert.equal(cfg.amount(['settlement', 'vault_float']), 7_000_000n, 'the including file overrides');
  assert.equal(cfg.int(['localnet', 'port']), 8999);
  assert.match(list[1].where(), /b\.yaml:2$/);

  w('c.yaml', 'settlement:\n  vault_float: "9"\n');
  const clash = w('clash.yaml', 'include: [a.yaml, c.yaml]\n');
  assert.throws(() => Config.load(clash).amount(['settlement', 'vault_float']), /c\.yaml:2: settlement\.vault_float: also set at .*a\.yaml:5/);
  const cyc = w('cyc.yaml', 'include: [cyc2.yaml]\n');
  w('cyc2.yaml', 'include: [cyc.yaml]\n');
  assert.throws(() => Config.load(cyc), /cycle/);
  const badInt = w('bad.yaml', 'localnet:\n  port: "x"\n');
  assert.throws(() => Config.load(badInt).int(['localnet', 'port'], { min: 0, max: 65535 }), /bad\.yaml:2: localnet\.port: must be an integer/);
  const neg = w('neg.yaml', 'settlement:\n  vault_float: "-1"\n');
  assert.throws(() => Config.load(neg).amount(['settlement', 'vault_float']), /neg\.yaml:2: .* not a non-negative decimal amount/);
  const big = w('big.yaml', 'settlement:\n  vault_float: "18446744073709.551616"\n');
  assert.throws(() => Config.load(big).amount(['settlement', 'vault_float']), /too large/);
});
