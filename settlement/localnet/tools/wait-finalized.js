#!/usr/bin/env node
// Waits until the venue's vault (from the manifest setup.js wrote) reads at "finalized"
// commitment, so settlement starts without retries. Exit 1 after 60 s.
//   node tools/wait-finalized.js MANIFEST [WHO]   (WHO prefixes the error message)
"use strict";
const fs = require("fs");

const [manifestPath, who = "localnet"] = process.argv.slice(2);
const m = JSON.parse(fs.readFileSync(manifestPath, "utf8"));
const deadline = Date.now() + 60000;
const body = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "getTokenAccountBalance",
                              params: [m.vault, { commitment: "finalized" }] });
(async () => {
  while (Date.now() < deadline) {
    try {
      const r = await fetch(m.rpc_url, { method: "POST", body,
                                         headers: { "content-type": "application/json" } });
      if ((await r.json()).result) return;
    } catch (e) {}
    await new Promise((ok) => setTimeout(ok, 200));
  }
  console.error(`${who}: the vault did not reach finalized within 60 s`);
  process.exit(1);
})();
