// Byte <-> text encodings used on the wire (base58 for keys/signatures, base64 for data).
import { decodeBase58 } from './base58.js';
import { base58CharsFor, base64CharsFor, PUBKEY_BYTES, SIGNATURE_BYTES } from './constants.js';
import { bytesToBase58 } from './kit-boundary.js';
import { invalidParams } from './rpc-error.js';

export function toBase58(bytes: Uint8Array): string {
  return bytesToBase58(bytes);
}

function tooLong(what: string, encoding: string, length: number, max: number, maxBytes: number) {
  return invalidParams(
    `Invalid param: ${what} is ${length} ${encoding} characters, more than the ${max} that ${maxBytes} bytes take`,
  );
}

/**
 * Throws the JSON-RPC invalid-params error naming `what` when the text is not base58 or is longer
 * than `maxBytes` can encode to; the length is checked first (decoding is quadratic in it).
 */
export function fromBase58(text: string, what: string, maxBytes: number): Uint8Array {
  const max = base58CharsFor(maxBytes);
  if (text.length > max) throw tooLong(what, 'base58', text.length, max, maxBytes);
  const bytes = decodeBase58(text);
  if (bytes === undefined) throw invalidParams(`Invalid param: ${what} is not valid base58`);
  return bytes;
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

export function fromBase64(text: string, what: string, maxBytes: number): Uint8Array {
  const max = base64CharsFor(maxBytes);
  if (text.length > max) throw tooLong(what, 'base64', text.length, max, maxBytes);
  if (text.length % 4 !== 0 || !BASE64_RE.test(text)) {
    throw invalidParams(`Invalid param: ${what} is not valid base64`);
  }
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** A 32-byte public key given in base58; anything else is an invalid-params error. */
export function parsePubkey(text: unknown, what = 'pubkey'): string {
  if (typeof text !== 'string') throw invalidParams(`Invalid param: ${what} must be a base58 string`);
  const bytes = fromBase58(text, what, PUBKEY_BYTES);
  if (bytes.length !== PUBKEY_BYTES)
    throw invalidParams(`Invalid param: ${what} is not a 32-byte public key`);
  return text;
}

export function parseSignature(text: unknown, what = 'signature'): string {
  if (typeof text !== 'string') throw invalidParams(`Invalid param: ${what} must be a base58 string`);
  const bytes = fromBase58(text, what, SIGNATURE_BYTES);
  if (bytes.length !== SIGNATURE_BYTES)
    throw invalidParams(`Invalid param: ${what} is not a 64-byte signature`);
  return text;
}
