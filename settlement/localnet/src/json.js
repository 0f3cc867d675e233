'use strict';
// JSON serialization that writes BigInt values as plain JSON numbers (u64 fields such as
// rentEpoch = 18446744073709551615 must not lose precision or become strings).

function stringify(value) {
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
      return JSON.stringify(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  if (value === null) return 'null';
  if (typeof value.toJSON === 'function' && !Buffer.isBuffer(value)) return stringify(value.toJSON());
  if (Array.isArray(value)) {
    return `[${value.map((v) => {
      const s = stringify(v);
      return s === undefined ? 'null' : s;
    }).join(',')}]`;
  }
  const parts = [];
  for (const k of Object.keys(value)) {
    const s = stringify(value[k]);
    if (s !== undefined) parts.push(`${JSON.stringify(k)}:${s}`);
  }
  return `{${parts.join(',')}}`;
}

module.exports = { stringify };
