'use strict';
// Test support: spawns localnet servers as child processes on free ports with temporary state
// files, and builds transactions with @solana/web3.js / @solana/spl-token.
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const web3 = require('@solana/web3.js');
const spl = require('@solana/spl-token');
const { RpcClient } = require('../src/rpc-client');

const ROOT = path.resolve(__dirname, '..');
const SERVER = path.join(ROOT, 'src', 'server.js');
const SETUP = path.join(ROOT, 'src', 'setup.js');

function tmpDir(t, prefix = 'localnet-test-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (t) t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Starts a server: `opts` {blockMs=0, finalizeDepth=4, stateFile, skipSlotEvery, args:[]}.
 * Resolves to {url, port, rpc, proc, call(method, params), stop(signal), exited}.
 */
async function startServer(t, opts = {}) {
  const args = [
    SERVER,
    '--port', String(opts.port ?? 0),
    '--block-ms', String(opts.blockMs ?? 0),
    '--finalize-depth', String(opts.finalizeDepth ?? 4),
  ];
  if (opts.stateFile) args.push('--state-file', opts.stateFile);
  if (opts.skipSlotEvery !== undefined) args.push('--skip-slot-every', String(opts.skipSlotEvery));
  if (opts.config) args.push('--config', opts.config);
  args.push(...(opts.args || []));
  const proc = spawn(process.execPath, args, { cwd: opts.cwd || ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (d) => {
    stderr += d.toString();
  });
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  const url = await new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`server did not start in time; stderr:\n${stderr}`)), 20000);
    proc.stdout.on('data', (d) => {
      out += d.toString();
      const m = /localnet listening on (http:\/\/127\.0\.0\.1:(\d+))\n/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`server exited with code ${code}; stderr:\n${stderr}`));
    });
  });
  const port = Number(new URL(url).port);
  const rpc = new RpcClient(url);
  const server = {
    url,
    port,
    wsUrl: `ws://127.0.0.1:${port + 1}`,
    rpc,
    proc,
    exited,
    stderr: () => stderr,
    call: (method, params) => rpc.call(method, params),
    /** Stops the process (SIGTERM by default) and waits for it to exit. */
    async stop(signal = 'SIGTERM') {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill(signal);
      return exited;
    },
  };
  if (t) t.after(() => server.stop('SIGKILL'));
  return server;
}

/** Runs a node script to completion; resolves {code, stdout, stderr}. */
function runNode(args, { cwd = ROOT, timeoutMs = 60000 } = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d) => {
      stdout += d;
    });
    proc.stderr.on('data', (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`timed out: node ${args.join(' ')}\n${stdout}\n${stderr}`));
    }, timeoutMs);
    proc.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

async function waitFor(fn, { timeoutMs = 10000, intervalMs = 50, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

// ------------------------------------------------------------------ transactions

async function latestBlockhash(server, commitment = 'processed') {
  return (await server.call('getLatestBlockhash', [{ commitment }])).value;
}

/** Builds and signs a legacy transaction; returns {tx, base64, base58, signature}. */
async function buildTx(server, instructions, signers, { blockhash, commitment = 'processed' } = {}) {
  const bh = blockhash || (await latestBlockhash(server, commitment)).blockhash;
  const tx = new web3.Transaction({ feePayer: signers[0].publicKey, recentBlockhash: bh });
  tx.add(...instructions);
  tx.sign(...signers);
  const raw = tx.serialize();
  return { tx, raw, base64: raw.toString('base64'), signature: require('../src/base58').encode(tx.signature) };
}

async function send(server, built, cfg = {}) {
  return server.call('sendTransaction', [built.base64, { encoding: 'base64', preflightCommitment: 'processed', ...cfg }]);
}

async function airdrop(server, pubkey, lamports = 10 * web3.LAMPORTS_PER_SOL) {
  return server.call('requestAirdrop', [pubkey.toBase58(), lamports]);
}

/**
 * Creates a 6-decimal mint and two funded token accounts (ATAs) on a manual-block server:
 * returns {payer, mintAuthority, mint, alice, bob, aliceAta, bobAta}.
 */
async function tokenFixture(server, { aliceAmount = 1_000_000_000n } = {}) {
  const payer = web3.Keypair.generate();
  const mintAuthority = web3.Keypair.generate();
  const mintKp = web3.Keypair.generate();
  const alice = web3.Keypair.generate();
  const bob = web3.Keypair.generate();
  await airdrop(server, payer.publicKey);
  const rent = await server.call('getMinimumBalanceForRentExemption', [spl.MINT_SIZE]);
  const mint = mintKp.publicKey;
  const aliceAta = spl.getAssociatedTokenAddressSync(mint, alice.publicKey);
  const bobAta = spl.getAssociatedTokenAddressSync(mint, bob.publicKey);
  const t1 = await buildTx(
    server,
    [
      web3.SystemProgram.createAccount({ fromPubkey: payer.publicKey, newAccountPubkey: mint, lamports: rent, space: spl.MINT_SIZE, programId: spl.TOKEN_PROGRAM_ID }),
      spl.createInitializeMint2Instruction(mint, 6, mintAuthority.publicKey, null),
    ],
    [payer, mintKp],
  );
  await send(server, t1);
  const t2 = await buildTx(
    server,
    [
      spl.createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, aliceAta, alice.publicKey, mint),
      spl.createAssociatedTokenAccountIdempotentInstruction(payer.publicKey, bobAta, bob.publicKey, mint),
      spl.createMintToCheckedInstruction(mint, aliceAta, mintAuthority.publicKey, aliceAmount, 6),
    ],
    [payer, mintAuthority],
  );
  await send(server, t2);
  return { payer, mintAuthority, mint, alice, bob, aliceAta, bobAta };
}

function memoInstruction(text, signer) {
  return new web3.TransactionInstruction({
    programId: new web3.PublicKey('MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr'),
    keys: signer ? [{ pubkey: signer, isSigner: true, isWritable: false }] : [],
    data: Buffer.from(text, 'utf8'),
  });
}

/** Expects `promise` to reject with an RPC error of `code`; returns the error. */
async function rpcError(promise, code) {
  try {
    await promise;
  } catch (e) {
    if (e.code !== code) throw new Error(`expected RPC error ${code}, got ${e.code}: ${e.message}`);
    return e;
  }
  throw new Error(`expected RPC error ${code}, but the call succeeded`);
}

module.exports = {
  ROOT,
  SERVER,
  SETUP,
  tmpDir,
  startServer,
  runNode,
  waitFor,
  latestBlockhash,
  buildTx,
  send,
  airdrop,
  tokenFixture,
  memoInstruction,
  rpcError,
};
