// getTransaction's response built from a history record, in json, jsonParsed, base64 or base58.
import { toBase58, toBase64 } from './codec.js';
import type { TransactionRecord } from './history.js';
import { invalidParams } from './rpc-error.js';

export type TransactionEncoding = 'json' | 'jsonParsed' | 'base64' | 'base58';

export function parseTransactionEncoding(value: unknown): TransactionEncoding {
  if (value === undefined || value === null) return 'json';
  if (value === 'json' || value === 'jsonParsed' || value === 'base64' || value === 'base58') return value;
  throw invalidParams(`Invalid param: unknown transaction encoding ${JSON.stringify(value)}`);
}

function lookupsJson(record: TransactionRecord) {
  return record.decoded.tx.message.addressTableLookups.map((l) => ({
    accountKey: l.accountKey.toBase58(),
    writableIndexes: l.writableIndexes,
    readonlyIndexes: l.readonlyIndexes,
  }));
}

function messageJson(record: TransactionRecord) {
  const message = record.decoded.tx.message;
  const json: Record<string, unknown> = {
    accountKeys: message.staticAccountKeys.map((k) => k.toBase58()),
    header: message.header,
    recentBlockhash: message.recentBlockhash,
    instructions: message.compiledInstructions.map((ix) => ({
      programIdIndex: ix.programIdIndex,
      accounts: ix.accountKeyIndexes,
      data: toBase58(ix.data),
      stackHeight: null,
    })),
  };
  if (record.decoded.version !== 'legacy') {
    json.addressTableLookups = lookupsJson(record);
  }
  return json;
}

/** jsonParsed: keys with signer/writable flags, instructions "partially decoded" (program id + keys). */
function parsedMessageJson(record: TransactionRecord) {
  const message = record.decoded.tx.message;
  const staticCount = message.staticAccountKeys.length;
  const keyAt = (i: number) => record.accountKeys[i] ?? '';
  return {
    accountKeys: record.accountKeys.map((pubkey, i) => ({
      pubkey,
      signer: i < message.header.numRequiredSignatures,
      writable: record.writable[i] ?? false,
      source: i < staticCount ? 'transaction' : 'lookupTable',
    })),
    recentBlockhash: message.recentBlockhash,
    instructions: message.compiledInstructions.map((ix) => ({
      programId: keyAt(ix.programIdIndex),
      accounts: ix.accountKeyIndexes.map(keyAt),
      data: toBase58(ix.data),
      stackHeight: null,
    })),
    ...(record.decoded.version !== 'legacy' ? { addressTableLookups: lookupsJson(record) } : {}),
  };
}

function metaJson(record: TransactionRecord, parsed: boolean) {
  const keyAt = (i: number) => record.accountKeys[i] ?? '';
  return {
    err: record.err,
    status: record.err === null ? { Ok: null } : { Err: record.err },
    fee: record.fee,
    preBalances: record.preBalances,
    postBalances: record.postBalances,
    innerInstructions: parsed
      ? record.innerInstructions.map((group) => ({
          index: group.index,
          instructions: group.instructions.map((ix) => ({
            programId: keyAt(ix.programIdIndex),
            accounts: ix.accounts.map(keyAt),
            data: ix.data,
            stackHeight: ix.stackHeight,
          })),
        }))
      : record.innerInstructions,
    logMessages: record.logs,
    preTokenBalances: record.preTokenBalances,
    postTokenBalances: record.postTokenBalances,
    rewards: [],
    // Agave leaves loaded addresses out of jsonParsed (the parsed keys carry their source).
    ...(parsed ? {} : { loadedAddresses: record.loadedAddresses }),
    computeUnitsConsumed: record.computeUnitsConsumed,
    ...(record.returnData ? { returnData: record.returnData } : {}),
  };
}

export function transactionJson(
  record: TransactionRecord,
  encoding: TransactionEncoding,
  withVersion: boolean,
) {
  const tx = record.decoded;
  let transaction: unknown;
  if (encoding === 'base64') transaction = [toBase64(tx.wire), 'base64'];
  else if (encoding === 'base58') transaction = [toBase58(tx.wire), 'base58'];
  else {
    transaction = {
      signatures: tx.tx.signatures.map((s) => toBase58(s)),
      message: encoding === 'jsonParsed' ? parsedMessageJson(record) : messageJson(record),
    };
  }
  return {
    slot: record.slot,
    blockTime: record.blockTime,
    transaction,
    meta: metaJson(record, encoding === 'jsonParsed'),
    ...(withVersion ? { version: tx.version } : {}),
  };
}
