// Byte <-> text encodings used on the wire (base58 for keys/signatures, base64 for data).
import { getBase58Decoder, getBase58Encoder } from '@solana/kit';
import { invalidParams } from './rpc-error.js';

const base58Decoder = getBase58Decoder();
const base58Encoder = getBase58Encoder();

export function toBase58(bytes: Uint8Array): string {
  return base58Decoder.decode(bytes);
}

/** Throws the JSON-RPC invalid-params error naming `what` when the text is not base58. */
export function fromBase58(text: string, what: string): Uint8Array {
  try {
    return new Uint8Array(base58Encoder.encode(text));
  } catch {
    throw invalidParams(`Invalid param: ${what} is not valid base58`);
  }
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export function fromBase64(text: string, what: string): Uint8Array {
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) {
    throw invalidParams(`Invalid param: ${what} is not valid base64`);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** A 32-byte public key given in base58; anything else is an invalid-params error. */
export function parsePubkey(text: unknown, what = 'pubkey'): string {
  if (typeof text !== 'string') throw invalidParams(`Invalid param: ${what} must be a base58 string`);
  const bytes = fromBase58(text, what);
  if (bytes.length !== 32) throw invalidParams(`Invalid param: ${what} is not a 32-byte public key`);
  return text;
}

export function parseSignature(text: unknown, what = 'signature'): string {
  if (typeof text !== 'string') throw invalidParams(`Invalid param: ${what} must be a base58 string`);
  const bytes = fromBase58(text, what);
  if (bytes.length !== 64) throw invalidParams(`Invalid param: ${what} is not a 64-byte signature`);
  return text;
}
