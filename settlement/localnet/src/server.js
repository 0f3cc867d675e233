#!/usr/bin/env node
'use strict';
// The localnet: Solana JSON-RPC over HTTP (and PubSub over websocket on port + 1) on 127.0.0.1,
// backed by LiteSVM. See ../README.md.
const http = require('node:http');
const path = require('node:path');
const { parseArgs } = require('node:util');
const { Chain } = require('./chain');
const { Rpc } = require('./rpc');
const { PubSub } = require('./pubsub');
const { stringify } = require('./json');
const { RpcError, RPC } = require('./errors');
const { Config, ConfigError, localnetSettings } = require('./config');

const HOST = '127.0.0.1';
const MAX_BODY = 1 << 20;

const USAGE = `usage: node src/server.js [--config FILE] [--port N] [--ws-port N] [--block-ms N]
                          [--state-file FILE] [--finalize-depth N] [--skip-slot-every N]
                          [--tx-history N] [--quiet]

  --config FILE        venue YAML config; reads localnet.{port,block_ms,state_file,finalize_depth}
  --port N             JSON-RPC port (default 8899; 0 picks a free port pair)
  --ws-port N          PubSub websocket port (default port + 1)
  --block-ms N         block interval in ms (default 400; 0 = blocks only via localnet_advanceBlocks)
  --state-file FILE    persist state here (default: none, state lives in memory)
  --finalize-depth N   blocks until finalized (default 32)
  --skip-slot-every N  every Nth block skips a slot, so slot > block height (default 8; 0 = never)
  --tx-history N       transactions kept in history (default 10000)
  --quiet              no log lines on stderr`;

function parseCli(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      'ws-port': { type: 'string' },
      'block-ms': { type: 'string' },
      'state-file': { type: 'string' },
      'finalize-depth': { type: 'string' },
      'skip-slot-every': { type: 'string' },
      'tx-history': { type: 'string' },
      quiet: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    process.exit(0);
  }
  const int = (name, min, max) => {
    const v = values[name];
    if (v === undefined) return undefined;
    if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new ConfigError(`--${name}: expected an integer ${min}..${max}, got "${v}"`);
    return Number(v);
  };
  let fromConfig = {};
  if (values.config) fromConfig = localnetSettings(Config.load(values.config));
  const pick = (cli, cfg, dflt) => (cli !== undefined ? cli : cfg !== undefined ? cfg : dflt);
  const port = pick(int('port', 0, 65534), fromConfig.port, 8899);
  return {
    port,
    wsPort: pick(int('ws-port', 0, 65535), fromConfig.wsPort, undefined),
    blockMs: pick(int('block-ms', 0, 3600000), fromConfig.blockMs, 400),
    stateFile: pick(values['state-file'], fromConfig.stateFile, null),
    finalizeDepth: pick(int('finalize-depth', 1, 10000), fromConfig.finalizeDepth, 32),
    skipSlotEvery: pick(int('skip-slot-every', 0, 1000000), fromConfig.skipSlotEvery, 8),
    txHistory: pick(int('tx-history', 1, 10000000), fromConfig.txHistory, 10000),
    quiet: !!values.quiet,
  };
}

/** Handles one JSON-RPC HTTP body; returns the response text, or null for notifications only. */
function handleBody(rpc, text, log) {
  let req;
  try {
    req = JSON.parse(text);
  } catch {
    return stringify({ jsonrpc: '2.0', error: { code: RPC.PARSE_ERROR, message: 'Parse error' }, id: null });
  }
  const one = (r) => {
    if (!r || typeof r !== 'object' || Array.isArray(r) || r.jsonrpc !== '2.0' || typeof r.method !== 'string') {
      return { jsonrpc: '2.0', error: { code: RPC.INVALID_REQUEST, message: 'Invalid request' }, id: (r && typeof r === 'object' && r.id) ?? null };
    }
    let out;
    try {
      out = { jsonrpc: '2.0', result: rpc.call(r.method, r.params), id: r.id ?? null };
    } catch (e) {
      if (e instanceof RpcError) out = { jsonrpc: '2.0', error: e.toJSON(), id: r.id ?? null };
      else {
        log(`internal error in ${r.method}: ${e.stack || e}`);
        out = { jsonrpc: '2.0', error: { code: RPC.INTERNAL_ERROR, message: `Internal error: ${e.message}` }, id: r.id ?? null };
      }
    }
    return 'id' in r ? out : undefined;
  };
  if (Array.isArray(req)) {
    if (!req.length) return stringify({ jsonrpc: '2.0', error: { code: RPC.INVALID_REQUEST, message: 'Invalid request' }, id: null });
    const outs = req.map(one).filter((o) => o !== undefined);
    return outs.length ? stringify(outs) : null;
  }
  const o = one(req);
  return o === undefined ? null : stringify(o);
}

function listen(server, port) {
  return new Promise((resolve, reject) => {
    const onError = (e) => {
      server.off('listening', onListening);
      reject(e);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve(server.address().port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, HOST);
  });
}

function close(server) {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Starts the localnet; resolves to {port, wsPort, chain, stop()}. */
async function start(opts) {
  const log = opts.quiet ? () => {} : (m) => process.stderr.write(`[localnet] ${m}\n`);
  const chain = new Chain({
    stateFile: opts.stateFile ? path.resolve(opts.stateFile) : null,
    finalizeDepth: opts.finalizeDepth,
    blockMs: opts.blockMs,
    skipSlotEvery: opts.skipSlotEvery,
    txHistory: opts.txHistory,
    log,
  });
  try {
    chain.open();
  } catch (e) {
    chain.close();
    throw e;
  }
  process.on('exit', () => chain.close());

  let timer = null;
  let paused = false;
  const tick = () => {
    try {
      chain.produceBlock();
    } catch (e) {
      log(`block production failed: ${e.stack || e}`);
    }
  };
  const control = {
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
    },
    paused: () => paused,
  };
  const rpc = new Rpc(chain, control);
  const pubsub = new PubSub(chain, rpc, log);

  const httpServer = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { 'content-type': 'text/plain', allow: 'POST' });
      res.end('Used HTTP Method is not allowed. POST or OPTIONS is required');
      return;
    }
    const chunks = [];
    let size = 0;
    req.on('data', (c) => {
      size += c.length;
      if (size > MAX_BODY) {
        res.writeHead(413, { 'content-type': 'text/plain' });
        res.end('Payload too large');
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      if (res.writableEnded) return;
      const body = handleBody(rpc, Buffer.concat(chunks).toString('utf8'), log);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(body === null ? '' : body);
    });
  });
  const wsServer = http.createServer((req, res) => {
    res.writeHead(400, { 'content-type': 'text/plain' });
    res.end('websocket endpoint');
  });
  for (const s of [httpServer, wsServer]) s.on('upgrade', (req, socket, head) => pubsub.handleUpgrade(req, socket, head));

  let port;
  let wsPort;
  if (opts.port === 0 && opts.wsPort === undefined) {
    // Find a free pair (P, P+1) so that clients deriving the websocket URL from the RPC URL work.
    for (let attempt = 0; ; attempt++) {
      port = await listen(httpServer, 0);
      try {
        wsPort = await listen(wsServer, port + 1);
        break;
      } catch (e) {
        await close(httpServer);
        if (attempt >= 50) throw e;
      }
    }
  } else {
    try {
      port = await listen(httpServer, opts.port);
      wsPort = await listen(wsServer, opts.wsPort !== undefined ? opts.wsPort : port + 1);
    } catch (e) {
      chain.close();
      throw e;
    }
  }

  if (opts.blockMs > 0) {
    timer = setInterval(() => {
      if (!paused) tick();
    }, opts.blockMs);
  }

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (timer) clearInterval(timer);
    try {
      chain.save(true);
    } catch (e) {
      log(`final save failed: ${e.message}`);
    }
    chain.close();
    pubsub.close();
    for (const s of [httpServer, wsServer]) s.closeAllConnections();
    // The state is saved; do not let a slow client hold the exit up.
    await Promise.race([Promise.all([close(httpServer), close(wsServer)]), new Promise((r) => setTimeout(r, 1000).unref())]);
  };
  log(
    `slot ${chain.tip.slot}, block height ${chain.tip.height}, block every ${opts.blockMs || 'manual'} ms, ` +
      `finalize depth ${opts.finalizeDepth}, state ${chain.opts.stateFile || '(in memory)'}, websocket ws://${HOST}:${wsPort}`,
  );
  return { port, wsPort, chain, rpc, stop };
}

async function main() {
  let opts;
  try {
    opts = parseCli(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${e.message}\n${e instanceof ConfigError ? '' : `${USAGE}\n`}`);
    process.exit(2);
  }
  let node;
  try {
    node = await start(opts);
  } catch (e) {
    process.stderr.write(`localnet: ${e.message}\n`);
    process.exit(1);
  }
  process.stdout.write(`localnet listening on http://${HOST}:${node.port}\n`);
  const shutdown = (sig) => {
    if (!opts.quiet) process.stderr.write(`[localnet] ${sig}: saving state and exiting\n`);
    node.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

if (require.main === module) main();

module.exports = { start, handleBody, parseCli };
