'use strict';
// SPL Token account and mint layouts, and the RPC's "jsonParsed"/UiTokenAmount shapes.
const b58 = require('./base58');

const TOKEN_PROGRAM_ID = 'TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA';
const TOKEN_2022_PROGRAM_ID = 'TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb';
const ACCOUNT_LEN = 165;
const MINT_LEN = 82;
const ACCOUNT_TYPE_MINT = 1;
const ACCOUNT_TYPE_ACCOUNT = 2;

const isTokenProgram = (owner) => owner === TOKEN_PROGRAM_ID || owner === TOKEN_2022_PROGRAM_ID;

function cOptionKey(data, off) {
  return data.readUInt32LE(off) === 1 ? b58.encode(data.subarray(off + 4, off + 36)) : null;
}

/** Decodes an SPL token account (either token program); null when `data` is not one. */
function decodeTokenAccount(owner, data) {
  if (!isTokenProgram(owner) || data.length < ACCOUNT_LEN) return null;
  if (data.length > ACCOUNT_LEN && (owner !== TOKEN_2022_PROGRAM_ID || data[ACCOUNT_LEN] !== ACCOUNT_TYPE_ACCOUNT)) return null;
  const state = data[108];
  if (state === 0 || state > 2) return null;
  return {
    mint: b58.encode(data.subarray(0, 32)),
    owner: b58.encode(data.subarray(32, 64)),
    amount: data.readBigUInt64LE(64),
    delegate: cOptionKey(data, 72),
    state: state === 1 ? 'initialized' : 'frozen',
    isNative: data.readUInt32LE(109) === 1,
    rentExemptReserve: data.readUInt32LE(109) === 1 ? data.readBigUInt64LE(113) : null,
    delegatedAmount: data.readBigUInt64LE(121),
    closeAuthority: cOptionKey(data, 129),
    programId: owner,
  };
}

/** Decodes an SPL mint (either token program); null when `data` is not one. */
function decodeMint(owner, data) {
  if (!isTokenProgram(owner) || data.length < MINT_LEN) return null;
  if (data.length !== MINT_LEN && (owner !== TOKEN_2022_PROGRAM_ID || data.length <= ACCOUNT_LEN || data[ACCOUNT_LEN] !== ACCOUNT_TYPE_MINT)) {
    return null;
  }
  if (data[45] !== 1) return null;
  return {
    mintAuthority: cOptionKey(data, 0),
    supply: data.readBigUInt64LE(36),
    decimals: data[44],
    isInitialized: true,
    freezeAuthority: cOptionKey(data, 46),
    programId: owner,
  };
}

function uiAmountString(amount, decimals) {
  if (decimals === 0) return amount.toString();
  const s = amount.toString().padStart(decimals + 1, '0');
  const withPoint = `${s.slice(0, s.length - decimals)}.${s.slice(s.length - decimals)}`;
  return withPoint.replace(/0+$/, '').replace(/\.$/, '');
}

function uiTokenAmount(amount, decimals) {
  return {
    amount: amount.toString(),
    decimals,
    uiAmount: Number(amount) / 10 ** decimals,
    uiAmountString: uiAmountString(amount, decimals),
  };
}

/**
 * The "jsonParsed" form of an account's data when it is an SPL token account or mint,
 * else null (the RPC then falls back to base64). `getMint(address)` returns a decoded mint.
 */
function jsonParsed(owner, data, getMint) {
  const program = owner === TOKEN_2022_PROGRAM_ID ? 'spl-token-2022' : 'spl-token';
  const acc = decodeTokenAccount(owner, data);
  if (acc) {
    const mint = getMint(acc.mint);
    if (!mint) return null;
    const info = {
      isNative: acc.isNative,
      mint: acc.mint,
      owner: acc.owner,
      state: acc.state,
      tokenAmount: uiTokenAmount(acc.amount, mint.decimals),
    };
    if (acc.delegate) {
      info.delegate = acc.delegate;
      info.delegatedAmount = uiTokenAmount(acc.delegatedAmount, mint.decimals);
    }
    if (acc.rentExemptReserve !== null) info.rentExemptReserve = uiTokenAmount(acc.rentExemptReserve, 9);
    if (acc.closeAuthority) info.closeAuthority = acc.closeAuthority;
    return { program, parsed: { info, type: 'account' }, space: data.length };
  }
  const mint = decodeMint(owner, data);
  if (mint) {
    return {
      program,
      parsed: {
        info: {
          decimals: mint.decimals,
          freezeAuthority: mint.freezeAuthority,
          isInitialized: true,
          mintAuthority: mint.mintAuthority,
          supply: mint.supply.toString(),
        },
        type: 'mint',
      },
      space: data.length,
    };
  }
  return null;
}

module.exports = {
  TOKEN_PROGRAM_ID,
  TOKEN_2022_PROGRAM_ID,
  isTokenProgram,
  decodeTokenAccount,
  decodeMint,
  uiTokenAmount,
  uiAmountString,
  jsonParsed,
};
