#!/usr/bin/env node
'use strict';
// Creates the venue's on-chain accounts from its YAML config, through JSON-RPC (so it works
// against the localnet or any cluster whose RPC offers requestAirdrop, e.g. devnet):
//   - the USDC-like mint (6 decimals) and its mint authority,
//   - the settlement authority (fee payer, delegate, vault owner) and the vault token account
//     (its associated token account), funded with settlement.vault_float,
//   - for each account: an owner keypair and associated token account holding `collateral`,
//     with the settlement authority approved as delegate for settlement.delegate_allowance,
// then writes keypair files (JSON array of 64 bytes, mode 0600) and the manifest the C++
// bridge reads. Idempotent: existing keys and accounts are reused; a token account is created
// and funded in the same transaction, so an existing one is never funded twice.
const fs = require('node:fs');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { Config, ConfigError } = require('./config');
const { RpcClient, RpcCallError, RpcTransportError } = require('./rpc-client');
const token = require('./token');
const { writeFileAtomic } = require('./chain');

// @solana/web3.js and the instruction builders load only once the config has been read, so
// that config errors are reported at once.
let web3;
let spl;
function loadSolana() {
  if (web3) return;
  web3 = require('@solana/web3.js');
  spl = require('./spl');
}

const DECIMALS = 6;
const LAMPORTS_PER_SOL = 1_000_000_000;
const FEE_PAYER_MIN_LAMPORTS = 0.5 * LAMPORTS_PER_SOL;
const FEE_PAYER_AIRDROP_LAMPORTS = 2 * LAMPORTS_PER_SOL;

const USAGE = `usage: node src/setup.js --config FILE [--rpc URL] [--reapprove] [--wait MS] [--quiet]

  --config FILE   venue YAML config (reads accounts[].id/collateral/onchain_owner_keypair and
                  settlement.rpc_url/commitment/keys_dir/manifest/delegate_allowance/vault_float)
  --rpc URL       JSON-RPC URL (overrides settlement.rpc_url)
  --reapprove     re-approve every account's delegate allowance to settlement.delegate_allowance
                  (by default an existing approval to the settlement authority is left as is)
  --wait MS       keep retrying a refused connection this long (default 10000), for scripts
                  that start the localnet and run setup right after
  --quiet         print only the manifest path`;

class SetupError extends Error {}

// ------------------------------------------------------------------ keypair files

function readKeypair(file, where) {
  loadSolana();
  let arr;
  try {
    arr = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (e) {
    throw new SetupError(`${where ? `${where}: ` : ''}cannot read keypair ${file}: ${e.message}`);
  }
  if (!Array.isArray(arr) || arr.length !== 64 || !arr.every((x) => Number.isInteger(x) && x >= 0 && x <= 255)) {
    throw new SetupError(`${where ? `${where}: ` : ''}${file} is not a Solana keypair file (a JSON array of 64 bytes)`);
  }
  try {
    return web3.Keypair.fromSecretKey(Uint8Array.from(arr));
  } catch (e) {
    throw new SetupError(`${where ? `${where}: ` : ''}${file}: invalid keypair: ${e.message}`);
  }
}

/** Loads the keypair at `file`, creating it (mode 0600, directory 0700) when absent. */
function loadOrCreateKeypair(file) {
  loadSolana();
  if (fs.existsSync(file)) return { kp: readKeypair(file), created: false };
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const kp = web3.Keypair.generate();
  writeFileAtomic(file, `${JSON.stringify(Array.from(kp.secretKey))}\n`);
  fs.chmodSync(file, 0o600);
  return { kp, created: true };
}

// ------------------------------------------------------------------ config

function readSettings(cfgFile, rpcOverride) {
  const cfg = Config.load(cfgFile);
  const enabled = cfg.bool(['settlement', 'enabled'], { dflt: true });
  const rpcUrl = rpcOverride || cfg.str(['settlement', 'rpc_url'], { required: true });
  const commitment = cfg.str(['settlement', 'commitment'], { dflt: 'confirmed' });
  if (!['processed', 'confirmed', 'finalized'].includes(commitment)) {
    const r = cfg.lookup(['settlement', 'commitment']);
    throw cfg.error(r, 'settlement.commitment', `must be processed, confirmed or finalized, got "${commitment}"`);
  }
  const keysDir = path.resolve(cfg.str(['settlement', 'keys_dir'], { required: true }));
  const manifest = path.resolve(cfg.str(['settlement', 'manifest'], { required: true }));
  const allowance = cfg.amount(['settlement', 'delegate_allowance'], { required: true, decimals: DECIMALS });
  const vaultFloat = cfg.amount(['settlement', 'vault_float'], { required: true, decimals: DECIMALS });
  const seen = new Map();
  const accounts = cfg.list('accounts').map((base, i) => {
    const label = (k) => `accounts[${i}].${k}`;
    const id = cfg.str(['id'], { base, required: true, label: label('id') });
    const idRef = cfg.lookup(['id'], base);
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(id) || id.startsWith('.')) {
      throw cfg.error(idRef, label('id'), `"${id}" must be 1-64 characters of A-Z a-z 0-9 . _ - (it names a key file)`);
    }
    if (seen.has(id)) throw cfg.error(idRef, label('id'), `duplicate account id "${id}" (first at ${seen.get(id)})`);
    seen.set(id, idRef.where());
    const collateral = cfg.amount(['collateral'], { base, required: true, decimals: DECIMALS, label: label('collateral') });
    const ownerKeyRef = cfg.lookup(['onchain_owner_keypair'], base);
    const ownerKeypair = cfg.str(['onchain_owner_keypair'], { base, label: label('onchain_owner_keypair') });
    return { id, collateral, ownerKeypair: ownerKeypair ? path.resolve(ownerKeypair) : null, ownerKeyWhere: ownerKeyRef ? ownerKeyRef.where() : null };
  });
  return { enabled, rpcUrl, commitment, keysDir, manifest, allowance, vaultFloat, accounts };
}

// ------------------------------------------------------------------ chain access

class Chain {
  constructor(rpc, commitment, log) {
    this.rpc = rpc;
    this.commitment = commitment;
    this.log = log;
  }

  async account(pubkey) {
    const r = await this.rpc.call('getAccountInfo', [pubkey.toBase58(), { encoding: 'base64', commitment: this.commitment }]);
    if (!r.value) return null;
    return { owner: r.value.owner, lamports: r.value.lamports, data: Buffer.from(r.value.data[0], 'base64') };
  }

  async balance(pubkey) {
    return (await this.rpc.call('getBalance', [pubkey.toBase58(), { commitment: this.commitment }])).value;
  }

  /** Waits until `signature` reaches the commitment; throws if it failed or its blockhash expired. */
  async confirm(signature, lastValidBlockHeight, what) {
    const order = ['processed', 'confirmed', 'finalized'];
    for (;;) {
      const st = (await this.rpc.call('getSignatureStatuses', [[signature], { searchTransactionHistory: true }])).value[0];
      if (st) {
        if (st.err) throw new SetupError(`${what}: transaction ${signature} failed: ${JSON.stringify(st.err)}`);
        if (order.indexOf(st.confirmationStatus) >= order.indexOf(this.commitment)) return;
      } else {
        const h = await this.rpc.call('getBlockHeight', [{ commitment: this.commitment }]);
        if (h > lastValidBlockHeight) throw new SetupError(`${what}: transaction ${signature} expired before it landed; run setup again`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  /** Signs, sends (with preflight) and confirms a transaction; returns its signature. */
  async send(instructions, signers, what) {
    const { value } = await this.rpc.call('getLatestBlockhash', [{ commitment: this.commitment }]);
    const tx = new web3.Transaction({ feePayer: signers[0].publicKey, blockhash: value.blockhash, lastValidBlockHeight: value.lastValidBlockHeight });
    tx.add(...instructions);
    tx.sign(...signers);
    let signature;
    try {
      signature = await this.rpc.call('sendTransaction', [
        tx.serialize().toString('base64'),
        { encoding: 'base64', preflightCommitment: this.commitment },
      ]);
    } catch (e) {
      if (e instanceof RpcCallError) {
        const logs = e.data && Array.isArray(e.data.logs) && e.data.logs.length ? `\n  ${e.data.logs.join('\n  ')}` : '';
        throw new SetupError(`${what}: ${e.rpcMessage}${logs}`);
      }
      throw e;
    }
    await this.confirm(signature, value.lastValidBlockHeight, what);
    this.log(`  ${what}: ${signature}`);
    return signature;
  }

  async ensureSol(pubkey, what) {
    const bal = await this.balance(pubkey);
    if (bal >= FEE_PAYER_MIN_LAMPORTS) return;
    let signature;
    try {
      signature = await this.rpc.call('requestAirdrop', [pubkey.toBase58(), FEE_PAYER_AIRDROP_LAMPORTS, { commitment: this.commitment }]);
    } catch (e) {
      throw new SetupError(`${what} ${pubkey.toBase58()} has ${bal} lamports and the airdrop failed (${e.message}); fund it by hand and run setup again`);
    }
    const h = await this.rpc.call('getBlockHeight', [{ commitment: this.commitment }]);
    await this.confirm(signature, h + 150, `airdrop to ${what}`);
    this.log(`  airdropped ${FEE_PAYER_AIRDROP_LAMPORTS / LAMPORTS_PER_SOL} SOL to ${what}`);
  }
}

// ------------------------------------------------------------------ setup

async function setup({ config, rpc: rpcOverride, reapprove = false, waitMs = 10000, log = console.log }) {
  const s = readSettings(config, rpcOverride);
  if (!s.enabled) {
    log('settlement.enabled is false: nothing to set up');
    return null;
  }
  loadSolana();
  const rpc = new RpcClient(s.rpcUrl, { connectRetryMs: waitMs });
  const chain = new Chain(rpc, s.commitment, log);
  const genesisHash = await rpc.call('getGenesisHash');
  log(`setup against ${s.rpcUrl} (genesis ${genesisHash}, commitment ${s.commitment})`);

  const keyFile = (name) => path.join(s.keysDir, name);
  const authority = loadOrCreateKeypair(keyFile('authority.json'));
  const mintAuthority = loadOrCreateKeypair(keyFile('mint-authority.json'));
  const mintKey = loadOrCreateKeypair(keyFile('mint.json'));
  const auth = authority.kp;
  const mint = mintKey.kp.publicKey;
  log(`settlement authority ${auth.publicKey.toBase58()}${authority.created ? ' (new key)' : ''}`);

  await chain.ensureSol(auth.publicKey, 'settlement authority');

  // The mint.
  const mintAcc = await chain.account(mint);
  if (mintAcc) {
    const m = token.decodeMint(mintAcc.owner, mintAcc.data);
    if (!m || m.programId !== token.TOKEN_PROGRAM_ID) throw new SetupError(`mint ${mint.toBase58()} exists but is not an SPL Token mint`);
    if (m.decimals !== DECIMALS) throw new SetupError(`mint ${mint.toBase58()} has ${m.decimals} decimals, expected ${DECIMALS}`);
    if (m.mintAuthority !== mintAuthority.kp.publicKey.toBase58()) {
      throw new SetupError(`mint ${mint.toBase58()} has mint authority ${m.mintAuthority}, not ${mintAuthority.kp.publicKey.toBase58()} (keys in ${s.keysDir} do not match this chain)`);
    }
    log(`mint ${mint.toBase58()} exists (supply ${token.uiAmountString(m.supply, DECIMALS)})`);
  } else {
    const rent = await rpc.call('getMinimumBalanceForRentExemption', [spl.MINT_SIZE]);
    await chain.send(
      [
        web3.SystemProgram.createAccount({ fromPubkey: auth.publicKey, newAccountPubkey: mint, lamports: rent, space: spl.MINT_SIZE, programId: spl.TOKEN_PROGRAM_ID }),
        spl.initializeMint2(mint, DECIMALS, mintAuthority.kp.publicKey),
      ],
      [auth, mintKey.kp],
      `create mint ${mint.toBase58()}`,
    );
  }

  // The vault: the authority's associated token account, funded with the float when created.
  const vault = spl.associatedTokenAddress(mint, auth.publicKey);
  const vaultAcc = await chain.account(vault);
  if (vaultAcc) {
    const ta = token.decodeTokenAccount(vaultAcc.owner, vaultAcc.data);
    if (!ta || ta.mint !== mint.toBase58() || ta.owner !== auth.publicKey.toBase58()) throw new SetupError(`vault ${vault.toBase58()} exists but is not the authority's token account for the mint`);
    log(`vault ${vault.toBase58()} exists (balance ${token.uiAmountString(ta.amount, DECIMALS)})`);
  } else {
    const ixs = [spl.createAssociatedTokenAccountIdempotent(auth.publicKey, vault, auth.publicKey, mint)];
    if (s.vaultFloat > 0n) ixs.push(spl.mintToChecked(mint, vault, mintAuthority.kp.publicKey, s.vaultFloat, DECIMALS));
    await chain.send(ixs, s.vaultFloat > 0n ? [auth, mintAuthority.kp] : [auth], `create vault ${vault.toBase58()} with float ${token.uiAmountString(s.vaultFloat, DECIMALS)}`);
  }

  // The accounts.
  const accounts = {};
  for (const a of s.accounts) {
    let owner;
    let ownerFile;
    if (a.ownerKeypair) {
      ownerFile = a.ownerKeypair;
      if (!fs.existsSync(ownerFile)) throw new SetupError(`${a.ownerKeyWhere}: onchain_owner_keypair: ${ownerFile} does not exist`);
      owner = readKeypair(ownerFile, a.ownerKeyWhere);
    } else {
      ownerFile = keyFile(path.join('accounts', `${a.id}.json`));
      owner = loadOrCreateKeypair(ownerFile).kp;
    }
    const ata = spl.associatedTokenAddress(mint, owner.publicKey);
    const acc = await chain.account(ata);
    if (!acc) {
      const ixs = [spl.createAssociatedTokenAccountIdempotent(auth.publicKey, ata, owner.publicKey, mint)];
      if (a.collateral > 0n) ixs.push(spl.mintToChecked(mint, ata, mintAuthority.kp.publicKey, a.collateral, DECIMALS));
      ixs.push(spl.approveChecked(ata, mint, auth.publicKey, owner.publicKey, s.allowance, DECIMALS));
      await chain.send(
        ixs,
        a.collateral > 0n ? [auth, mintAuthority.kp, owner] : [auth, owner],
        `${a.id}: token account ${ata.toBase58()}, ${token.uiAmountString(a.collateral, DECIMALS)} USDC, allowance ${token.uiAmountString(s.allowance, DECIMALS)}`,
      );
    } else {
      const ta = token.decodeTokenAccount(acc.owner, acc.data);
      if (!ta || ta.mint !== mint.toBase58() || ta.owner !== owner.publicKey.toBase58()) throw new SetupError(`${a.id}: ${ata.toBase58()} exists but is not the owner's token account for the mint`);
      if (reapprove || ta.delegate !== auth.publicKey.toBase58()) {
        await chain.send(
          [spl.approveChecked(ata, mint, auth.publicKey, owner.publicKey, s.allowance, DECIMALS)],
          [auth, owner],
          `${a.id}: approve allowance ${token.uiAmountString(s.allowance, DECIMALS)}`,
        );
      } else {
        log(`${a.id}: token account ${ata.toBase58()} exists (balance ${token.uiAmountString(ta.amount, DECIMALS)}, allowance left ${token.uiAmountString(ta.delegatedAmount, DECIMALS)})`);
      }
    }
    accounts[a.id] = {
      owner: owner.publicKey.toBase58(),
      token_account: ata.toBase58(),
      owner_keypair: ownerFile,
      initial_collateral_units: a.collateral.toString(),
    };
  }

  const manifest = {
    rpc_url: s.rpcUrl,
    mint: mint.toBase58(),
    decimals: DECIMALS,
    authority: auth.publicKey.toBase58(),
    authority_keypair: keyFile('authority.json'),
    vault: vault.toBase58(),
    accounts,
    commitment: s.commitment,
    genesis_hash: genesisHash,
    token_program: token.TOKEN_PROGRAM_ID,
    mint_authority: mintAuthority.kp.publicKey.toBase58(),
    mint_authority_keypair: keyFile('mint-authority.json'),
    delegate_allowance_units: s.allowance.toString(),
    vault_float_units: s.vaultFloat.toString(),
  };
  writeFileAtomic(s.manifest, `${JSON.stringify(manifest, null, 2)}\n`);
  log(`manifest written to ${s.manifest}`);
  return manifest;
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        config: { type: 'string' },
        rpc: { type: 'string' },
        reapprove: { type: 'boolean' },
        wait: { type: 'string' },
        quiet: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    process.stderr.write(`${e.message}\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!values.config) {
    process.stderr.write(`--config is required\n${USAGE}\n`);
    process.exit(2);
  }
  if (values.wait !== undefined && !/^\d+$/.test(values.wait)) {
    process.stderr.write(`--wait: expected milliseconds, got "${values.wait}"\n`);
    process.exit(2);
  }
  try {
    const m = await setup({
      config: values.config,
      rpc: values.rpc,
      reapprove: !!values.reapprove,
      waitMs: values.wait === undefined ? 10000 : Number(values.wait),
      log: values.quiet ? () => {} : (x) => process.stdout.write(`${x}\n`),
    });
    if (values.quiet && m) process.stdout.write(`${path.resolve(readSettings(values.config, values.rpc).manifest)}\n`);
  } catch (e) {
    const known = e instanceof SetupError || e instanceof ConfigError || e instanceof RpcCallError || e instanceof RpcTransportError;
    process.stderr.write(`setup failed: ${known ? e.message : e.stack || e}\n`);
    process.exit(1);
  }
}

if (require.main === module) main();

module.exports = { setup, readSettings, loadOrCreateKeypair, readKeypair };
