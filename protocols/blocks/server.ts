// Serves blocks from the local weight store: reads one request, streams each block (or "absent")
// back in order with backpressure, then closes.
import type { Stream } from '@libp2p/interface';
import { type WeightStore, WeightStoreError, WeightStoreErrorCode } from '../../storage/weights/index.js';
import { StreamReader } from '../common/stream-reader.js';
import { ABSENT, encodePresentHeader, readRequest } from './codec.js';
import { MAX_BLOCK_BYTES } from './constants.js';
import { BlocksError, BlocksErrorCode, blocksReadErrors } from './errors.js';

export type BlockSource = Pick<WeightStore, 'getBlock'>;

async function write(stream: Stream, data: Uint8Array, signal: AbortSignal): Promise<void> {
  if (!stream.send(data)) await stream.onDrain({ signal });
}

/** Answers one request; resolves with the error that ended it, or undefined. */
export async function serveBlocks(
  stream: Stream,
  store: BlockSource,
  stallTimeoutMs: number,
  signal: AbortSignal,
): Promise<BlocksError | undefined> {
  try {
    const cids = await readRequest(new StreamReader(stream, stallTimeoutMs, blocksReadErrors, signal));
    for (const cid of cids) {
      const block = await store.getBlock(cid, signal).catch((err: unknown) => {
        if (err instanceof WeightStoreError && err.code === WeightStoreErrorCode.MISSING_BLOCK) return null;
        throw err;
      });
      if (block === null) {
        await write(stream, ABSENT, signal);
        continue;
      }
      if (block.byteLength > MAX_BLOCK_BYTES) {
        await write(stream, ABSENT, signal); // a peer could not accept it anyway
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
