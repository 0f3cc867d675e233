'use strict';
// The few SPL Token / Associated Token Account instructions the setup command sends, built as
// @solana/web3.js TransactionInstructions (layouts from the SPL Token program's interface).
const web3 = require('@solana/web3.js');

const TOKEN_PROGRAM_ID = new web3.PublicKey('TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA');
const ASSOCIATED_TOKEN_PROGRAM_ID = new web3.PublicKey('ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL');
const MINT_SIZE = 82;

const IX_APPROVE_CHECKED = 13;
const IX_MINT_TO_CHECKED = 14;
const IX_INITIALIZE_MINT2 = 20;
const ATA_CREATE_IDEMPOTENT = 1;

const meta = (pubkey, isSigner, isWritable) => ({ pubkey, isSigner, isWritable });

function amountChecked(tag, amount, decimals) {
  const data = Buffer.alloc(10);
  data.writeUInt8(tag, 0);
  data.writeBigUInt64LE(BigInt(amount), 1);
  data.writeUInt8(decimals, 9);
  return data;
}

function associatedTokenAddress(mint, owner) {
  return web3.PublicKey.findProgramAddressSync([owner.toBuffer(), TOKEN_PROGRAM_ID.toBuffer(), mint.toBuffer()], ASSOCIATED_TOKEN_PROGRAM_ID)[0];
}

function initializeMint2(mint, decimals, mintAuthority, freezeAuthority = null) {
  // COption<Pubkey>: a 0 tag alone for None, or a 1 tag and the key.
  const data = Buffer.alloc(freezeAuthority ? 67 : 35);
  data.writeUInt8(IX_INITIALIZE_MINT2, 0);
  data.writeUInt8(decimals, 1);
  mintAuthority.toBuffer().copy(data, 2);
  if (freezeAuthority) {
    data.writeUInt8(1, 34);
    freezeAuthority.toBuffer().copy(data, 35);
  }
  return new web3.TransactionInstruction({ programId: TOKEN_PROGRAM_ID, keys: [meta(mint, false, true)], data });
}

function createAssociatedTokenAccountIdempotent(payer, ata, owner, mint) {
  return new web3.TransactionInstruction({
    programId: ASSOCIATED_TOKEN_PROGRAM_ID,
    keys: [
      meta(payer, true, true),
      meta(ata, false, true),
      meta(owner, false, false),
      meta(mint, false, false),
      meta(web3.SystemProgram.programId, false, false),
      meta(TOKEN_PROGRAM_ID, false, false),
    ],
    data: Buffer.from([ATA_CREATE_IDEMPOTENT]),
  });
}

function mintToChecked(mint, destination, authority, amount, decimals) {
  return new web3.TransactionInstruction({
    programId: TOKEN_PROGRAM_ID,
    keys: [meta(mint, false, true), meta(destination, false, true), meta(authority, true, false)],
    data: amountChecked(IX_MINT_TO_CHECKED, amount, decimals),
  });
}

function approveChecked(account, mint, delegate, owner, amount, decimals) {
  return new web3.TransactionInstruction({
    programId: TOKEN_PROGRAM_ID,
    keys: [meta(account, false, true), meta(mint, false, false), meta(delegate, false, false), meta(owner, true, false)],
    data: amountChecked(IX_APPROVE_CHECKED, amount, decimals),
  });
}

module.exports = {
  TOKEN_PROGRAM_ID,
  ASSOCIATED_TOKEN_PROGRAM_ID,
  MINT_SIZE,
  associatedTokenAddress,
  initializeMint2,
  createAssociatedTokenAccountIdempotent,
  mintToChecked,
  approveChecked,
};
