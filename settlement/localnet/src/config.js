'use strict';
// Reads the keys of the venue's YAML config that the localnet and the setup command use.
// Every error names the file and line. Keys not read here are ignored.
const fs = require('node:fs');
const YAML = require('yaml');

class ConfigError extends Error {}

class Config {
  constructor(file, text) {
    this.file = file;
    this.text = text;
    this.lc = new YAML.LineCounter();
    this.doc = YAML.parseDocument(text, { lineCounter: this.lc, prettyErrors: false });
    if (this.doc.errors.length) {
      const e = this.doc.errors[0];
      const line = e.linePos ? e.linePos[0].line : 1;
      throw new ConfigError(`${file}:${line}: YAML error: ${e.message.split('\n')[0]}`);
    }
    const root = this.doc.contents;
    if (root !== null && !YAML.isMap(root)) throw new ConfigError(`${file}:1: the config must be a mapping`);
  }

  static load(file) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${file}: cannot read config: ${e.message}`);
    }
    return new Config(file, text);
  }

  lineOf(node) {
    if (!node || !node.range) return 1;
    return this.lc.linePos(node.range[0]).line;
  }

  error(node, key, msg) {
    return new ConfigError(`${this.file}:${this.lineOf(node)}: ${key}: ${msg}`);
  }

  /** The node at `path` (array of keys/indices) under `base` (default: the document). */
  node(path, base) {
    if (base) return path.length ? base.getIn(path, true) : base;
    return this.doc.getIn(path, true);
  }

  /** Returns [value-node, key-string, parent-node] for error reporting. */
  _lookup(path, base) {
    const n = this.node(path, base);
    let parent = base || this.doc.contents;
    if (path.length > 1) parent = this.node(path.slice(0, -1), base) || parent;
    return [n, path.join('.'), parent];
  }

  has(path, base) {
    const n = this.node(path, base);
    return n !== undefined && !(YAML.isScalar(n) && n.value === null);
  }

  str(path, { base, required = false, dflt = undefined } = {}) {
    const [n, key, parent] = this._lookup(path, base);
    if (n === undefined || (YAML.isScalar(n) && n.value === null)) {
      if (required) throw this.error(parent, key, 'is required');
      return dflt;
    }
    if (!YAML.isScalar(n) || typeof n.value !== 'string' || n.value === '') throw this.error(n, key, 'must be a non-empty string');
    return n.value;
  }

  int(path, { base, dflt = undefined, min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
    const [n, key] = this._lookup(path, base);
    if (n === undefined || (YAML.isScalar(n) && n.value === null)) return dflt;
    const v = YAML.isScalar(n) ? n.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw this.error(n, key, `must be an integer between ${min} and ${max}`);
    }
    return v;
  }

  bool(path, { base, dflt = undefined } = {}) {
    const [n, key] = this._lookup(path, base);
    if (n === undefined || (YAML.isScalar(n) && n.value === null)) return dflt;
    if (!YAML.isScalar(n) || typeof n.value !== 'boolean') throw this.error(n, key, 'must be true or false');
    return n.value;
  }

  /**
   * A token amount given as a decimal string ("1000000", "12.5"), at most `decimals`
   * fractional digits; returns base units as BigInt. The scalar's source text is used, so a
   * plain YAML number is read exactly as written.
   */
  amount(path, { base, required = false, dflt = undefined, decimals = 6 } = {}) {
    const [n, key, parent] = this._lookup(path, base);
    if (n === undefined || (YAML.isScalar(n) && n.value === null)) {
      if (required) throw this.error(parent, key, 'is required');
      return dflt;
    }
    if (!YAML.isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'number')) {
      throw this.error(n, key, 'must be a decimal amount such as "1000000" or "12.5"');
    }
    const src = typeof n.value === 'string' ? n.value.trim() : String(n.source ?? n.value).trim();
    const m = /^(\d+)(?:\.(\d+))?$/.exec(src);
    if (!m) throw this.error(n, key, `"${src}" is not a non-negative decimal amount`);
    const frac = m[2] || '';
    if (frac.length > decimals) throw this.error(n, key, `"${src}" has more than ${decimals} decimal places`);
    const units = BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt((frac + '0'.repeat(decimals)).slice(0, decimals) || '0');
    if (units > 18446744073709551615n) throw this.error(n, key, `"${src}" is too large for a u64 token amount`);
    return units;
  }

  /** The items (YAMLMap nodes) of a sequence at `path`; [] when absent. */
  seqOfMaps(path) {
    const [n, key] = this._lookup(path);
    if (n === undefined || (YAML.isScalar(n) && n.value === null)) return [];
    if (!YAML.isSeq(n)) throw this.error(n, key, 'must be a list');
    n.items.forEach((it, i) => {
      if (!YAML.isMap(it)) throw this.error(it, `${key}[${i}]`, 'must be a mapping');
    });
    return n.items;
  }
}

/** The localnet's own settings from a config (all optional). */
function localnetSettings(cfg) {
  return {
    port: cfg.int(['localnet', 'port'], { min: 0, max: 65534 }),
    wsPort: cfg.int(['localnet', 'ws_port'], { min: 0, max: 65535 }),
    blockMs: cfg.int(['localnet', 'block_ms'], { min: 0, max: 3600000 }),
    stateFile: cfg.str(['localnet', 'state_file']),
    finalizeDepth: cfg.int(['localnet', 'finalize_depth'], { min: 1, max: 10000 }),
    skipSlotEvery: cfg.int(['localnet', 'skip_slot_every'], { min: 0, max: 1000000 }),
    txHistory: cfg.int(['localnet', 'tx_history'], { min: 1, max: 10000000 }),
  };
}

module.exports = { Config, ConfigError, localnetSettings };
