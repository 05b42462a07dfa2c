// Wire format. Request: u16 count, then count × (u8 length + binary CID). Response, in request
// order: u8 status, and for a present block u32 length + the block's bytes.
import { CID } from 'multiformats/cid';
import type { StreamReader } from '../common/stream-reader.js';
import {
  BLOCK_ABSENT,
  BLOCK_PRESENT,
  MAX_BLOCK_BYTES,
  MAX_CID_BYTES,
  MAX_CIDS_PER_REQUEST,
} from './constants.js';
import { BlocksError, BlocksErrorCode } from './errors.js';

export function encodeRequest(cids: readonly CID[]): Uint8Array {
  if (cids.length === 0 || cids.length > MAX_CIDS_PER_REQUEST) {
    throw new BlocksError(
      BlocksErrorCode.MALFORMED_REQUEST,
      `a request names 1..${MAX_CIDS_PER_REQUEST} CIDs`,
    );
  }
  const parts = cids.map((c) => c.bytes);
  const out = new Uint8Array(2 + parts.reduce((n, p) => n + 1 + p.byteLength, 0));
  new DataView(out.buffer).setUint16(0, cids.length);
  let at = 2;
  for (const p of parts) {
    out[at++] = p.byteLength;
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

export async function readRequest(reader: StreamReader): Promise<CID[]> {
  const head = (await reader.readExactly(2, 'request count'))!;
  const count = (head[0]! << 8) | head[1]!;
  if (count === 0 || count > MAX_CIDS_PER_REQUEST) {
    throw new BlocksError(
      BlocksErrorCode.MALFORMED_REQUEST,
      `request names ${count} CIDs, allowed 1..${MAX_CIDS_PER_REQUEST}`,
    );
  }
  const cids: CID[] = [];
  for (let i = 0; i < count; i++) {
    const length = (await reader.readExactly(1, 'CID length'))![0]!;
    if (length === 0 || length > MAX_CID_BYTES) {
      throw new BlocksError(
        BlocksErrorCode.MALFORMED_REQUEST,
        `CID of ${length} bytes, allowed 1..${MAX_CID_BYTES}`,
      );
    }
    const bytes = (await reader.readExactly(length, 'CID'))!;
    try {
      cids.push(CID.decode(bytes));
    } catch (err) {
      throw new BlocksError(BlocksErrorCode.MALFORMED_REQUEST, 'request holds bytes that are not a CID', {
        cause: err,
      });
    }
  }
  return cids;
}

export function encodePresentHeader(length: number): Uint8Array {
  const out = new Uint8Array(5);
  out[0] = BLOCK_PRESENT;
  new DataView(out.buffer).setUint32(1, length);
  return out;
}

export const ABSENT = Uint8Array.of(BLOCK_ABSENT);

/**
 * Reads one response entry: the block's bytes, or null when the provider does not have it.
 * `allocate` supplies the buffer the block is read into (a pooled one, say).
 */
export async function readResponseEntry(
  reader: StreamReader,
  cid: CID,
  allocate: (byteLength: number) => Uint8Array = (n) => Buffer.allocUnsafeSlow(n),
): Promise<Uint8Array | null> {
  const status = (await reader.readExactly(1, `status of ${cid}`))![0];
  if (status === BLOCK_ABSENT) return null;
  if (status !== BLOCK_PRESENT) {
    throw new BlocksError(BlocksErrorCode.MALFORMED_RESPONSE, `unknown status ${status} for ${cid}`);
  }
  const lengthBytes = (await reader.readExactly(4, `length of ${cid}`))!;
  const length = new DataView(lengthBytes.buffer, lengthBytes.byteOffset, 4).getUint32(0);
  if (length > MAX_BLOCK_BYTES) {
    throw new BlocksError(
      BlocksErrorCode.BLOCK_TOO_LARGE,
      `block ${cid} of ${length} bytes exceeds ${MAX_BLOCK_BYTES}`,
    );
  }
  const block = allocate(length);
  await reader.readInto(block, `block ${cid}`, () => {});
  return block;
}
