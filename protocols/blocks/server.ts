// Serves blocks from the local weight store: reads one request, streams each block (or "absent")
// back in order with backpressure, then closes.
import { type WeightStore, WeightStoreError, WeightStoreErrorCode } from '../../storage/weights/index.js';
import type { ByteStream } from '../common/socket-stream.js';
import { StreamReader } from '../common/stream-reader.js';
import { ABSENT, encodePresentHeader, readRequest } from './codec.js';
import { MAX_BLOCK_BYTES, READ_AHEAD_BLOCKS } from './constants.js';
import { BlocksError, BlocksErrorCode, blocksReadErrors } from './errors.js';

export type BlockSource = Pick<WeightStore, 'getBlock'>;

async function write(stream: ByteStream, data: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(data)) await stream.onDrain({ signal });
}

/**
 * Answers one request; resolves with the error that ended it, or undefined. `admit` reads and
 * checks what precedes the request (the direct channel's token) and throws to refuse.
 */
export async function serveBlocks(
  stream: ByteStream,
  store: BlockSource,
  stallTimeoutMs: number,
  signal: AbortSignal,
  admit?: (reader: StreamReader) => Promise<void>,
): Promise<BlocksError | undefined> {
  try {
    const reader = new StreamReader(stream, stallTimeoutMs, blocksReadErrors, signal);
    await admit?.(reader);
    const cids = await readRequest(reader);
    // Disk reads run ahead of the send, so the stream is not idle while the next block is read.
    const reads: Array<Promise<Uint8Array | null> | undefined> = [];
    const startRead = (i: number) => {
      const read = store.getBlock(cids[i]!, signal).catch((err: unknown) => {
        if (err instanceof WeightStoreError && err.code === WeightStoreErrorCode.MISSING_BLOCK) return null;
        throw err;
      });
      read.catch(() => {}); // awaited below; a failure after an abort must not go unhandled
      reads[i] = read;
    };
    for (let i = 0; i < Math.min(READ_AHEAD_BLOCKS, cids.length); i++) startRead(i);
    for (let i = 0; i < cids.length; i++) {
      const block = await reads[i]!;
      reads[i] = undefined;
      if (i + READ_AHEAD_BLOCKS < cids.length) startRead(i + READ_AHEAD_BLOCKS);
      // A block a peer could not accept anyway is answered as absent.
      if (block === null || block.byteLength > MAX_BLOCK_BYTES) {
        await write(stream, ABSENT, signal);
        continue;
      }
      await write(stream, encodePresentHeader(block.byteLength), signal);
      await write(stream, block, signal);
    }
    await stream.close({ signal: AbortSignal.timeout(stallTimeoutMs) });
    return undefined;
  } catch (err) {
    const error =
      err instanceof BlocksError
        ? err
        : new BlocksError(BlocksErrorCode.ABORTED, `serving blocks failed: ${String(err)}`, { cause: err });
    stream.abort(error);
    return error;
  }
}
