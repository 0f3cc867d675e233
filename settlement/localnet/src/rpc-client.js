'use strict';
// A minimal Solana JSON-RPC client over fetch, used by the setup command and the tests.

class RpcCallError extends Error {
  constructor(method, error) {
    super(`${method}: ${error.message} (code ${error.code})`);
    this.code = error.code;
    this.rpcMessage = error.message;
    this.data = error.data;
  }
}

class RpcTransportError extends Error {}

class RpcClient {
  /**
   * @param {string} url
   * @param {object} [opts] {connectRetryMs: keep retrying refused connections this long}
   */
  constructor(url, opts = {}) {
    this.url = url;
    this.connectRetryMs = opts.connectRetryMs ?? 0;
    this.nextId = 1;
  }

  async raw(body) {
    const deadline = Date.now() + this.connectRetryMs;
    for (;;) {
      let res;
      try {
        res = await fetch(this.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: typeof body === 'string' ? body : JSON.stringify(body),
        });
      } catch (e) {
        const cause = (e && e.cause) || e;
        const refused = ['ECONNREFUSED', 'ECONNRESET'].includes(cause.code);
        if (refused && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
        throw new RpcTransportError(`cannot reach ${this.url} (${cause.code || cause.message})`);
      }
      const text = await res.text();
      if (!res.ok) throw new RpcTransportError(`HTTP ${res.status} from ${this.url}: ${text.slice(0, 200)}`);
      try {
        return text === '' ? null : JSON.parse(text);
      } catch {
        throw new RpcTransportError(`${this.url} answered with something that is not JSON: ${text.slice(0, 200)}`);
      }
    }
  }

  /** Calls a method; returns `result` or throws RpcCallError carrying code/message/data. */
  async call(method, params = []) {
    const res = await this.raw({ jsonrpc: '2.0', id: this.nextId++, method, params });
    if (res.error) throw new RpcCallError(method, res.error);
    return res.result;
  }
}

module.exports = { RpcClient, RpcCallError, RpcTransportError };
