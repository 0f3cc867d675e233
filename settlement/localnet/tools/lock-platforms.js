#!/usr/bin/env node
'use strict';
// Adds litesvm's per-platform optional packages to package-lock.json when npm left them out.
//
// litesvm declares one optional native package per platform. When the registry npm talks to
// serves only some of them (this project's registry mirror has only litesvm-linux-x64-gnu), npm
// writes a lock without the others and `npm ci` then refuses the lock ("Missing: ... from lock
// file"). Listing them with their os/cpu/libc lets `npm ci` validate the lock and skip them on
// other platforms. Run after regenerating the lock: `node tools/lock-platforms.js`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const litesvm = lock.packages['node_modules/litesvm'];
if (!litesvm) throw new Error('litesvm is not in package-lock.json');
const PLATFORMS = {
  'darwin-arm64': { os: 'darwin', cpu: 'arm64' },
  'darwin-x64': { os: 'darwin', cpu: 'x64' },
  'linux-arm64-gnu': { os: 'linux', cpu: 'arm64', libc: 'glibc' },
  'linux-arm64-musl': { os: 'linux', cpu: 'arm64', libc: 'musl' },
  'linux-x64-gnu': { os: 'linux', cpu: 'x64', libc: 'glibc' },
  'linux-x64-musl': { os: 'linux', cpu: 'x64', libc: 'musl' },
};
let added = 0;
for (const [name, version] of Object.entries(litesvm.optionalDependencies || {})) {
  const key = `node_modules/${name}`;
  if (lock.packages[key]) continue;
  const p = PLATFORMS[name.replace(/^litesvm-/, '')];
  if (!p) throw new Error(`unknown litesvm platform package ${name}`);
  const entry = { version, cpu: [p.cpu] };
  if (p.libc) entry.libc = [p.libc];
  Object.assign(entry, { license: 'MIT', optional: true, os: [p.os], engines: litesvm.engines || { node: '>= 20' } });
  lock.packages[key] = entry;
  added++;
}
const keys = Object.keys(lock.packages).sort((a, b) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b, 'en')));
lock.packages = Object.fromEntries(keys.map((k) => [k, lock.packages[k]]));
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`package-lock.json: added ${added} litesvm platform entr${added === 1 ? 'y' : 'ies'}\n`);
