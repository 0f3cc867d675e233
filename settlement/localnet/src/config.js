'use strict';
// Reads the keys of the venue's YAML config that the localnet and the setup command use.
// Every error names the file and line. Keys not read here are ignored.
//
// Includes follow the gateway's rules: a top-level `include: [a.yaml, ...]` (paths relative to
// the including file); the top-level `accounts` lists are concatenated (included files first,
// in the order listed, then the including file's own); a scalar set by the including file
// overrides an included one; two included files setting the same scalar is an error.
const fs = require('node:fs');
const path = require('node:path');
const YAML = require('yaml');

class ConfigError extends Error {}

const isNull = (n) => n === undefined || (YAML.isScalar(n) && n.value === null);

/** One parsed YAML file and the files it includes. */
class Doc {
  constructor(file, text, stack) {
    this.file = file;
    this.lc = new YAML.LineCounter();
    this.doc = YAML.parseDocument(text, { lineCounter: this.lc, prettyErrors: false, uniqueKeys: true });
    if (this.doc.errors.length) {
      const e = this.doc.errors[0];
      const line = e.linePos ? e.linePos[0].line : 1;
      throw new ConfigError(`${file}:${line}: YAML error: ${e.message.split('\n')[0]}`);
    }
    const root = this.doc.contents;
    if (root !== null && !YAML.isMap(root)) throw new ConfigError(`${file}:1: the config must be a mapping`);
    this.includes = [];
    const inc = this.doc.getIn(['include'], true);
    if (!isNull(inc)) {
      const items = YAML.isSeq(inc) ? inc.items : [inc];
      for (const it of items) {
        if (!YAML.isScalar(it) || typeof it.value !== 'string' || !it.value) {
          throw new ConfigError(`${file}:${this.lineOf(it)}: include: entries must be file names`);
        }
        const target = path.resolve(path.dirname(file), it.value);
        if (stack.includes(target)) {
          throw new ConfigError(`${file}:${this.lineOf(it)}: include: "${it.value}" is already being included (cycle)`);
        }
        this.includes.push(Doc.load(target, [...stack, target], `${file}:${this.lineOf(it)}: include`));
      }
    }
  }

  static load(file, stack = [path.resolve(file)], context = null) {
    let text;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (e) {
      throw new ConfigError(`${context ? `${context}: ` : ''}${file}: cannot read config: ${e.message}`);
    }
    return new Doc(file, text, stack);
  }

  lineOf(node) {
    if (!node || !node.range) return 1;
    return this.lc.linePos(node.range[0]).line;
  }
}

/** A node together with the file it comes from. */
class Ref {
  constructor(doc, node) {
    this.doc = doc;
    this.node = node;
  }
  where() {
    return `${this.doc.file}:${this.doc.lineOf(this.node)}`;
  }
}

class Config {
  constructor(root) {
    this.root = root;
    this.file = root.file;
  }

  static load(file) {
    return new Config(Doc.load(file));
  }

  /** Resolves a top-level path through the include rules; returns a Ref or undefined. */
  resolve(keys, doc = this.root) {
    const own = doc.doc.getIn(keys, true);
    if (!isNull(own)) return new Ref(doc, own);
    const found = doc.includes.map((d) => this.resolve(keys, d)).filter(Boolean);
    if (found.length > 1) {
      throw new ConfigError(`${found[1].where()}: ${keys.join('.')}: also set at ${found[0].where()} (two included files set it)`);
    }
    return found[0];
  }

  /** The node at `keys` under `base` (a Ref to a mapping) or at top level. */
  lookup(keys, base) {
    if (base) {
      const n = base.node.getIn(keys, true);
      return isNull(n) ? undefined : new Ref(base.doc, n);
    }
    return this.resolve(keys);
  }

  /** Where a missing key would go: its parent mapping (for error messages). */
  parentOf(keys, base) {
    if (base) return base;
    return keys.length > 1 ? this.resolve(keys.slice(0, -1)) : undefined;
  }

  error(ref, key, msg, fallback) {
    const where = ref ? ref.where() : fallback ? fallback.where() : `${this.file}:1`;
    return new ConfigError(`${where}: ${key}: ${msg}`);
  }

  str(keys, { base, required = false, dflt = undefined, label } = {}) {
    const r = this.lookup(keys, base);
    const key = label || keys.join('.');
    if (!r) {
      if (required) throw this.error(null, key, 'is required', this.parentOf(keys, base));
      return dflt;
    }
    if (!YAML.isScalar(r.node) || typeof r.node.value !== 'string' || r.node.value === '') throw this.error(r, key, 'must be a non-empty string');
    return r.node.value;
  }

  int(keys, { base, dflt = undefined, min = 0, max = Number.MAX_SAFE_INTEGER } = {}) {
    const r = this.lookup(keys, base);
    if (!r) return dflt;
    const v = YAML.isScalar(r.node) ? r.node.value : undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      throw this.error(r, keys.join('.'), `must be an integer between ${min} and ${max}`);
    }
    return v;
  }

  bool(keys, { base, dflt = undefined } = {}) {
    const r = this.lookup(keys, base);
    if (!r) return dflt;
    if (!YAML.isScalar(r.node) || typeof r.node.value !== 'boolean') throw this.error(r, keys.join('.'), 'must be true or false');
    return r.node.value;
  }

  /**
   * A token amount given as a decimal string ("1000000", "12.5") with at most `decimals`
   * fractional digits; returns base units as BigInt. A plain YAML number is read from its
   * source text, exactly as written.
   */
  amount(keys, { base, required = false, dflt = undefined, decimals = 6, label } = {}) {
    const r = this.lookup(keys, base);
    const key = label || keys.join('.');
    if (!r) {
      if (required) throw this.error(null, key, 'is required', this.parentOf(keys, base));
      return dflt;
    }
    const n = r.node;
    if (!YAML.isScalar(n) || (typeof n.value !== 'string' && typeof n.value !== 'number')) {
      throw this.error(r, key, 'must be a decimal amount such as "1000000" or "12.5"');
    }
    const src = typeof n.value === 'string' ? n.value.trim() : String(n.source ?? n.value).trim();
    const m = /^(\d+)(?:\.(\d+))?$/.exec(src);
    if (!m) throw this.error(r, key, `"${src}" is not a non-negative decimal amount`);
    const frac = m[2] || '';
    if (frac.length > decimals) throw this.error(r, key, `"${src}" has more than ${decimals} decimal places`);
    const units = BigInt(m[1]) * 10n ** BigInt(decimals) + BigInt((frac + '0'.repeat(decimals)).slice(0, decimals) || '0');
    if (units > 18446744073709551615n) throw this.error(r, key, `"${src}" is too large for a u64 token amount`);
    return units;
  }

  /** The entries (Refs to mappings) of a top-level list, concatenated across includes. */
  list(key, doc = this.root) {
    const out = doc.includes.flatMap((d) => this.list(key, d));
    const n = doc.doc.getIn([key], true);
    if (isNull(n)) return out;
    if (!YAML.isSeq(n)) throw this.error(new Ref(doc, n), key, 'must be a list');
    n.items.forEach((it, i) => {
      if (!YAML.isMap(it)) throw this.error(new Ref(doc, it), `${key}[${i}]`, 'must be a mapping');
      out.push(new Ref(doc, it));
    });
    return out;
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
