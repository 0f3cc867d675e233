'use strict';
const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const { startServer, tmpDir, runNode, SETUP, buildTx, send, waitFor } = require('../test-support/harness');

function writeConfig(dir, port, extra = '') {
  const cfg = `# venue config (only the keys the setup reads matter here)
venue:
  name: "test"
include: ["more-accounts.yaml"]
accounts:
  - id: "DESK-A"
    collateral: "1000000"
    stp_mode: "cancel_resting"
  - id: "DESK-B"
    collateral: "2500.25"
    onchain_owner_keypair: "own-keys/desk-b.json"
settlement:
  enabled: true
  rpc_url: "http://127.0.0.1:${port}"
  commitment: "confirmed"
  keys_dir: "data/keys"
  manifest: "data/localnet-manifest.json"
  delegate_allowance: "5000"
  vault_float: "10000000"
${extra}`;
  fs.writeFileSync(path.join(dir, 'venue.yaml'), cfg);
  fs.writeFileSync(path.join(dir, 'more-accounts.yaml'), 'accounts:\n  - id: "DESK-C"\n    collateral: 0\n');
  return path.join(dir, 'venue.yaml');
}

test('setup creates mint, vault, accounts, delegations and the manifest; running it again changes nothing', async (t) => {
  const dir = tmpDir(t);
  const s = await startServer(t, { blockMs: 60, finalizeDepth: 4 });
  const cfg = writeConfig(dir, s.port);
  // DESK-B brings its own owner key
  const deskB = web3.Keypair.generate();
  fs.mkdirSync(path.join(dir, 'own-keys'));
  fs.writeFileSync(path.join(dir, 'own-keys', 'desk-b.json'), JSON.stringify(Array.from(deskB.secretKey)), { mode: 0o600 });

  const r1 = await runNode([SETUP, '--config', cfg], { cwd: dir });
  assert.equal(r1.code, 0, r1.stderr);
  const manifestPath = path.join(dir, 'data', 'localnet-manifest.json');
  const m = JSON.parse(fs.readFileSync(manifestPath, 'utf8'));

  // manifest format
  for (const k of ['rpc_url', 'mint', 'decimals', 'authority', 'authority_keypair', 'vault', 'accounts']) assert.ok(k in m, k);
  assert.equal(m.rpc_url, s.url);
  assert.equal(m.decimals, 6);
  assert.deepEqual(Object.keys(m.accounts), ['DESK-C', 'DESK-A', 'DESK-B'], 'included accounts first, as the gateway merges them');
  for (const a of Object.values(m.accounts)) assert.deepEqual(Object.keys(a).slice(0, 3), ['owner', 'token_account', 'owner_keypair']);
  assert.equal(m.authority_keypair, path.join(dir, 'data', 'keys', 'authority.json'));
  assert.equal(m.accounts['DESK-A'].owner_keypair, path.join(dir, 'data', 'keys', 'accounts', 'DESK-A.json'));
  assert.equal(m.accounts['DESK-B'].owner_keypair, path.join(dir, 'own-keys', 'desk-b.json'));
  assert.equal(m.accounts['DESK-B'].owner, deskB.publicKey.toBase58());
  assert.equal(m.genesis_hash, await s.call('getGenesisHash'));

  // keypair files: JSON array of 64 bytes, mode 0600, matching the manifest
  for (const [file, pub] of [
    [m.authority_keypair, m.authority],
    [m.accounts['DESK-A'].owner_keypair, m.accounts['DESK-A'].owner],
    [m.accounts['DESK-C'].owner_keypair, m.accounts['DESK-C'].owner],
    [m.mint_authority_keypair, m.mint_authority],
  ]) {
    assert.equal(fs.statSync(file).mode & 0o777, 0o600, file);
    const arr = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(arr.length, 64);
    assert.equal(web3.Keypair.fromSecretKey(Uint8Array.from(arr)).publicKey.toBase58(), pub);
  }

  // on-chain state
  const parsed = async (addr) => (await s.call('getAccountInfo', [addr, { encoding: 'jsonParsed', commitment: 'confirmed' }])).value.data.parsed;
  const mint = await parsed(m.mint);
  assert.equal(mint.type, 'mint');
  assert.equal(mint.info.decimals, 6);
  assert.equal(mint.info.supply, String(1_000_000_000_000n + 2_500_250_000n + 10_000_000_000_000n));
  assert.equal(mint.info.mintAuthority, m.mint_authority);
  const vault = await parsed(m.vault);
  assert.equal(vault.info.owner, m.authority);
  assert.equal(vault.info.tokenAmount.amount, '10000000000000');
  assert.equal(m.vault, spl.getAssociatedTokenAddressSync(new web3.PublicKey(m.mint), new web3.PublicKey(m.authority)).toBase58());
  const expected = { 'DESK-A': '1000000000000', 'DESK-B': '2500250000', 'DESK-C': '0' };
  for (const [id, a] of Object.entries(m.accounts)) {
    const bal = await s.call('getTokenAccountBalance', [a.token_account, { commitment: 'confirmed' }]);
    assert.equal(bal.value.amount, expected[id], id);
    assert.equal(bal.value.decimals, 6);
    const info = (await parsed(a.token_account)).info;
    assert.equal(info.owner, a.owner);
    assert.equal(info.mint, m.mint);
    assert.equal(info.delegate, m.authority, `${id} delegates to the settlement authority`);
    assert.equal(info.delegatedAmount.amount, '5000000000', `${id} allowance`);
    assert.equal(a.token_account, spl.getAssociatedTokenAddressSync(new web3.PublicKey(m.mint), new web3.PublicKey(a.owner)).toBase58());
  }
  const mintSigs = (await s.call('getSignaturesForAddress', [m.mint, { commitment: 'confirmed' }])).length;

  // the settlement authority can move funds as delegate (what settlement does)
  const authority = web3.Keypair.fromSecretKey(Uint8Array.from(JSON.parse(fs.readFileSync(m.authority_keypair, 'utf8'))));
  const debit = await buildTx(
    s,
    [spl.createTransferCheckedInstruction(new web3.PublicKey(m.accounts['DESK-A'].token_account), new web3.PublicKey(m.mint), new web3.PublicKey(m.vault), authority.publicKey, 1_000_000_000n, 6)],
    [authority],
  );
  const debitSig = await send(s, debit);
  await waitFor(async () => {
    const st = (await s.call('getSignatureStatuses', [[debitSig]])).value[0];
    return st && st.confirmationStatus !== 'processed';
  }, { what: 'debit confirmation' });

  // second run: same manifest, nothing minted again, allowance not reset
  const r2 = await runNode([SETUP, '--config', cfg], { cwd: dir });
  assert.equal(r2.code, 0, r2.stderr);
  assert.deepEqual(JSON.parse(fs.readFileSync(manifestPath, 'utf8')), m);
  assert.equal((await parsed(m.mint)).info.supply, mint.info.supply, 'no double mint');
  assert.equal((await s.call('getSignaturesForAddress', [m.mint, { commitment: 'confirmed' }])).length, mintSigs + 1, 'only the debit touched the mint');
  const deskA = (await parsed(m.accounts['DESK-A'].token_account)).info;
  assert.equal(deskA.tokenAmount.amount, '999000000000');
  assert.equal(deskA.delegatedAmount.amount, '4000000000');
  assert.match(r2.stdout, /DESK-A: token account \S+ exists/);

  // --reapprove tops the allowance up again
  const r3 = await runNode([SETUP, '--config', cfg, '--reapprove'], { cwd: dir });
  assert.equal(r3.code, 0, r3.stderr);
  assert.equal((await parsed(m.accounts['DESK-A'].token_account)).info.delegatedAmount.amount, '5000000000');
  assert.equal((await parsed(m.mint)).info.supply, mint.info.supply);

  // --rpc overrides the config's rpc_url (here: an unreachable one fails cleanly)
  const r4 = await runNode([SETUP, '--config', cfg, '--rpc', 'http://127.0.0.1:2', '--wait', '0'], { cwd: dir });
  assert.equal(r4.code, 1);
  assert.equal(r4.stderr, 'setup failed: cannot reach http://127.0.0.1:2 (ECONNREFUSED)\n');
});

test('setup reports config errors with file and line', async (t) => {
  const dir = tmpDir(t);
  const bad = path.join(dir, 'bad.yaml');
  const settlement = 'settlement: {rpc_url: "http://127.0.0.1:1", keys_dir: k, manifest: m.json, delegate_allowance: "1", vault_float: "1"}\n';
  const cases = [
    [`accounts:\n  - id: "A"\n    collateral: "1.1234567"\n${settlement}`,
      /bad\.yaml:3: accounts\[0\]\.collateral: "1\.1234567" has more than 6 decimal places/],
    ['accounts:\n  - id: "A"\n    collateral: "5"\nsettlement:\n  rpc_url: "http://127.0.0.1:1"\n  keys_dir: k\n  manifest: m.json\n  vault_float: "1"\n',
      /bad\.yaml:5: settlement\.delegate_allowance: is required/],
    [`accounts:\n  - id: "A/B"\n    collateral: "5"\n${settlement}`, /bad\.yaml:2: accounts\[0\]\.id: "A\/B" must be/],
    [`accounts:\n  - id: "A"\n    collateral: "5"\n  - id: "A"\n    collateral: "6"\n${settlement}`, /bad\.yaml:4: accounts\[1\]\.id: duplicate account id "A" \(first at .*bad\.yaml:2\)/],
    ['accounts: [\n', /bad\.yaml:\d+: YAML error/],
  ];
  for (const [text, re] of cases) {
    fs.writeFileSync(bad, text);
    const r = await runNode([SETUP, '--config', bad], { cwd: dir });
    assert.equal(r.code, 1, text);
    assert.match(r.stderr, re);
  }
});
