// The tensor stream's direct data channel between real libp2p peers on loopback: large payloads go
// encrypted over a plain socket the receiver dials; every way that socket can fail or lie ends
// with the payload sent inline on the libp2p stream, verified, and the peers still serving.
import assert from 'node:assert/strict';
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import type { Libp2p, PeerId, Stream } from '@libp2p/interface';
import {
  ACK_DIRECT_DONE,
  ACK_SEND_INLINE,
  DIRECT_CIPHER,
  DIRECT_MAGIC,
  DIRECT_MIN_BYTES,
} from '../../../../protocols/tensor-stream/constants.js';
import { DirectTensorServer } from '../../../../protocols/tensor-stream/direct-server.js';
import { type DirectRoute, encodeHeader } from '../../../../protocols/tensor-stream/header.js';
import {
  TENSOR_STREAM_PROTOCOL,
  type TensorStream,
  type TensorStreamError,
  TensorStreamErrorCode,
  tensorStream,
} from '../../../../protocols/tensor-stream/index.js';
import type { Tensor, TensorSpec } from '../../../../storage/tensors/tensor.js';
import { connect, createLoopbackNode } from '../../../support/loopback-libp2p.js';

const SPECS: TensorSpec[] = [
  { name: 'hidden', dtype: 'uint8', shape: ['n'] },
  { name: 'mask', dtype: 'uint8', shape: ['m'] },
];
const STALL_MS = 500;
type Node = Libp2p<{ tensors: TensorStream }>;

function bytes(n: number): Tensor {
  return { dtype: 'uint8', shape: [n], data: new Uint8Array(randomBytes(n)) };
}
const sha256 = (data: Uint8Array) => createHash('sha256').update(data).digest();
const big = bytes(2 * DIRECT_MIN_BYTES + 12_345);
const small = bytes(1000);

describe('tensor stream direct channel', () => {
  let sender: Node;
  let plainSender: Node;
  let receiver: Node;
  let noDirectReceiver: Node;
  let receiverId: PeerId;
  const fallbacks: TensorStreamError[] = [];

  before(async () => {
    const node = async (options: Parameters<typeof tensorStream>[0]) =>
      (await createLoopbackNode({
        services: {
          tensors: tensorStream({ stallTimeoutMs: STALL_MS, ...options }),
        },
      })) as Node;
    sender = await node({ direct: { host: '127.0.0.1' } });
    plainSender = await node({});
    receiver = await node({ onDirectFallback: (err) => fallbacks.push(err) });
    noDirectReceiver = await node({ useDirect: false });
    receiverId = receiver.peerId;
    await connect(sender, receiver);
    await connect(plainSender, receiver);
    await connect(sender, noDirectReceiver);
  });

  after(async () => {
    await Promise.all([sender.stop(), plainSender.stop(), receiver.stop(), noDirectReceiver.stop()]);
  });

  /** `to` awaits `specs` of `executionId`, each from `from` (the direct-capable sender by default). */
  const awaitSet = (to: Node, executionId: string, specs = SPECS, from: Node = sender) => {
    const senders = Object.fromEntries(specs.map((spec) => [spec.name, from.peerId.toString()]));
    const arrived = to.services.tensors.awaitTensors(
      executionId,
      'task-1',
      specs,
      AbortSignal.timeout(10_000),
      senders,
    );
    arrived.catch(() => undefined);
    return arrived;
  };

  it('moves a large payload over the direct channel and a small one inline, both verified', async () => {
    const before = receiver.services.tensors.received.direct;
    const arrived = awaitSet(receiver, 'exec-1');
    const result = await sender.services.tensors.send(receiverId, 'exec-1', 'task-1', {
      hidden: big,
      mask: small,
    });
    assert.deepEqual(result, { direct: 1, inline: 1 });
    const got = await arrived;
    assert.deepEqual(got.hidden!.data, big.data);
    assert.deepEqual(got.hidden!.sha256, sha256(big.data));
    assert.deepEqual(got.mask!.data, small.data);
    assert.equal(receiver.services.tensors.received.direct, before + 1);
    assert.equal(receiver.services.tensors.bufferedBytes, 0);
  });

  it('sends inline when the receiver does not use direct channels, or the sender runs none', async () => {
    const arrivedA = awaitSet(noDirectReceiver, 'exec-2');
    const a = await sender.services.tensors.send(noDirectReceiver.peerId, 'exec-2', 'task-1', {
      hidden: big,
      mask: small,
    });
    assert.deepEqual(a, { direct: 0, inline: 2 });
    assert.deepEqual((await arrivedA).hidden!.data, big.data);
    assert.equal(plainSender.services.tensors.directPort, undefined);
    const arrivedB = awaitSet(receiver, 'exec-3', SPECS, plainSender);
    const b = await plainSender.services.tensors.send(receiverId, 'exec-3', 'task-1', {
      hidden: big,
      mask: small,
    });
    assert.deepEqual(b, { direct: 0, inline: 2 });
    assert.deepEqual((await arrivedB).hidden!.data, big.data);
  });

  /**
   * A raw stream from `plainSender` whose header offers `hidden` on a direct route of our making;
   * returns the receiver's ack byte, then sends the payload inline if asked to.
   */
  const offerRaw = async (executionId: string, route: DirectRoute, payload: Uint8Array) => {
    const stream: Stream = await plainSender.dialProtocol(receiverId, TENSOR_STREAM_PROTOCOL);
    const replies: number[] = [];
    let gotAck!: () => void;
    const acked = new Promise<void>((r) => {
      gotAck = r;
    });
    stream.addEventListener('message', (evt) => {
      replies.push(...evt.data.subarray());
      gotAck();
    });
    stream.send(
      encodeHeader({
        executionId,
        taskId: 'task-1',
        name: 'hidden',
        dtype: 'uint8',
        shape: [payload.byteLength],
        byteLength: payload.byteLength,
        sha256: sha256(payload),
        direct: route,
      }),
    );
    await acked;
    const ack = replies.shift();
    if (ack === ACK_SEND_INLINE) {
      for (let at = 0; at < payload.byteLength; at += 65536) stream.send(payload.subarray(at, at + 65536));
    }
    await stream.close();
    return ack;
  };

  /** A fake sender-side direct server that answers a valid preamble with `reply(socket)`. */
  const fakeDirect = async (reply: (socket: net.Socket) => void) => {
    const server = net.createServer((socket) => {
      socket.on('error', () => {});
      socket.once('data', () => reply(socket));
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    return { server, port: (server.address() as net.AddressInfo).port };
  };
  const routeTo = (port: number): DirectRoute => ({
    port,
    token: randomBytes(16),
    key: randomBytes(16),
    iv: randomBytes(16),
  });
  const encrypt = (route: DirectRoute, data: Uint8Array) =>
    createCipheriv(DIRECT_CIPHER, route.key, route.iv).update(data);

  const fallsBackAndDelivers = async (executionId: string, route: DirectRoute, reason: RegExp) => {
    const arrived = awaitSet(receiver, executionId, [SPECS[0]!], plainSender);
    const count = fallbacks.length;
    assert.equal(await offerRaw(executionId, route, big.data), ACK_SEND_INLINE);
    assert.deepEqual((await arrived).hidden!.data, big.data);
    assert.equal(fallbacks.length, count + 1);
    const err = fallbacks.at(-1)!;
    assert.equal(err.code, TensorStreamErrorCode.DIRECT_CHANNEL_FAILED);
    assert.match(err.message, reason);
  };

  it('takes a payload that arrives correctly from a direct server', async () => {
    const route = routeTo(0);
    const { server, port } = await fakeDirect((socket) => socket.end(encrypt(route, big.data)));
    route.port = port;
    const arrived = awaitSet(receiver, 'exec-4', [SPECS[0]!], plainSender);
    assert.equal(await offerRaw('exec-4', route, big.data), ACK_DIRECT_DONE);
    assert.deepEqual((await arrived).hidden!.data, big.data);
    server.close();
  });

  it('falls back inline when the direct bytes were tampered with (sha256 mismatch)', async () => {
    const route = routeTo(0);
    const { server, port } = await fakeDirect((socket) => {
      const wire = encrypt(route, big.data);
      wire[1000]! ^= 0x01;
      socket.end(wire);
    });
    route.port = port;
    await fallsBackAndDelivers('exec-5', route, /not its header's sha256/);
    server.close();
  });

  it('falls back inline when the direct channel ends early or sends too much', async () => {
    const short = routeTo(0);
    const a = await fakeDirect((socket) => socket.end(encrypt(short, big.data).subarray(0, 5000)));
    short.port = a.port;
    await fallsBackAndDelivers('exec-6', short, /closed after 5000 of/);
    a.server.close();
    const long = routeTo(0);
    const b = await fakeDirect((socket) => socket.end(encrypt(long, Buffer.concat([big.data, big.data]))));
    long.port = b.port;
    await fallsBackAndDelivers('exec-7', long, /more than the header's/);
    b.server.close();
  });

  it('falls back inline when the direct channel stalls', async () => {
    const route = routeTo(0);
    const { server, port } = await fakeDirect((socket) =>
      socket.write(encrypt(route, big.data).subarray(0, 100)),
    );
    route.port = port;
    await fallsBackAndDelivers('exec-8', route, /stalled after 100 of/);
    server.close();
  });

  it('falls back inline when the port is closed, then stops dialling that sender for a while', async () => {
    const { server, port } = await fakeDirect(() => {});
    server.close();
    await once(server, 'close');
    await fallsBackAndDelivers('exec-9', routeTo(port), /ECONNREFUSED/);
    // Marked unavailable: the next offer is answered inline at once, without a dial or a fallback.
    const count = fallbacks.length;
    const arrived = awaitSet(receiver, 'exec-10', [SPECS[0]!], plainSender);
    assert.equal(await offerRaw('exec-10', routeTo(port), big.data), ACK_SEND_INLINE);
    assert.deepEqual((await arrived).hidden!.data, big.data);
    assert.equal(fallbacks.length, count);
  });

  it("a header that fails validation is rejected instead of acked, and the sender's offer is withdrawn", async () => {
    const wrong: Tensor = {
      dtype: 'float32',
      shape: [DIRECT_MIN_BYTES / 2],
      data: big.data.subarray(0, 2 * DIRECT_MIN_BYTES),
    };
    awaitSet(receiver, 'exec-11');
    await assert.rejects(
      sender.services.tensors.send(receiverId, 'exec-11', 'task-1', { hidden: wrong }),
      (err: TensorStreamError) =>
        err.code === TensorStreamErrorCode.REMOTE_REJECTED &&
        err.remoteCode === TensorStreamErrorCode.DTYPE_MISMATCH,
    );
    assert.equal(sender.services.tensors.directOffers, 0);
  });

  it('a sender fails with NO_REPLY when the receiver answers a direct offer with an unknown ack', async () => {
    const liar = await createLoopbackNode();
    await liar.handle(TENSOR_STREAM_PROTOCOL, (stream) => {
      stream.addEventListener('message', () => stream.send(Uint8Array.of(9)), { once: true });
    });
    await connect(sender, liar);
    await assert.rejects(
      sender.services.tensors.send(liar.peerId, 'exec-13', 'task-1', { hidden: big }),
      (err: TensorStreamError) =>
        err.code === TensorStreamErrorCode.NO_REPLY && /unknown ack 9/.test(err.message),
    );
    assert.equal(sender.services.tensors.directOffers, 0);
    await liar.stop();
  });

  it('a receiver stopped during a direct fetch rejects the stream as ABORTED, not as a fallback', async () => {
    const stopping = (await createLoopbackNode({
      services: {
        tensors: tensorStream({
          onDirectFallback: (err) => fallbacks.push(err),
          onRejected: (err) => rejected.push(err),
        }),
      },
    })) as Node;
    const rejected: TensorStreamError[] = [];
    await connect(plainSender, stopping);
    const route = routeTo(0);
    const { server, port } = await fakeDirect((socket) =>
      socket.write(encrypt(route, big.data).subarray(0, 100)),
    );
    route.port = port;
    awaitSet(stopping, 'exec-14', [SPECS[0]!], plainSender);
    const stream = await plainSender.dialProtocol(stopping.peerId, TENSOR_STREAM_PROTOCOL);
    stream.send(
      encodeHeader({
        executionId: 'exec-14',
        taskId: 'task-1',
        name: 'hidden',
        dtype: 'uint8',
        shape: [big.data.byteLength],
        byteLength: big.data.byteLength,
        sha256: sha256(big.data),
        direct: route,
      }),
    );
    await new Promise((r) => setTimeout(r, 200)); // the fetch is under way, stalled after 100 bytes
    const count = fallbacks.length;
    await stopping.stop();
    for (let i = 0; i < 50 && rejected.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(
      rejected.map((e) => e.code),
      [TensorStreamErrorCode.ABORTED],
    );
    assert.equal(fallbacks.length, count, 'a shutdown is no channel failure');
    server.close();
  });

  it("the sender's direct server drops garbage and wrong tokens, and keeps serving", async () => {
    const port = sender.services.tensors.directPort!;
    for (const junk of [randomBytes(24), Buffer.concat([DIRECT_MAGIC, randomBytes(16)]), randomBytes(4096)]) {
      const socket = net.connect(port, '127.0.0.1');
      socket.on('error', () => {});
      socket.write(junk);
      const received: Buffer[] = [];
      socket.on('data', (d) => received.push(d));
      await once(socket, 'close');
      assert.equal(Buffer.concat(received).byteLength, 0, 'a refused socket gets no bytes');
    }
    const arrived = awaitSet(receiver, 'exec-12');
    const result = await sender.services.tensors.send(receiverId, 'exec-12', 'task-1', {
      hidden: big,
      mask: small,
    });
    assert.equal(result.direct, 1);
    assert.deepEqual((await arrived).hidden!.data, big.data);
  });
});

describe('tensor direct server', () => {
  it('serves a token once, closes a receiver that stops reading, and says why it refused others', async () => {
    const refused: string[] = [];
    const server = await DirectTensorServer.listen({
      host: '127.0.0.1',
      port: 0,
      idleTimeoutMs: 200,
      onRefused: (reason) => refused.push(reason),
    });
    try {
      const route = server.offer(new Uint8Array(randomBytes(64 * 1024 * 1024)));
      const preamble = Buffer.concat([DIRECT_MAGIC, route.token]);
      // Takes the offer, then reads nothing for a while: the kernel buffers fill, the sender stalls.
      const stalled = net.connect(server.port, '127.0.0.1');
      stalled.on('error', () => {});
      stalled.pause();
      stalled.write(preamble);
      await new Promise((r) => setTimeout(r, 1_000));
      let received = 0;
      stalled.on('data', (d: Buffer) => {
        received += d.byteLength;
      });
      stalled.resume();
      await once(stalled, 'close');
      assert.ok(
        received < 64 * 1024 * 1024,
        `the sender cut the stalled socket off (${received} bytes came)`,
      );
      assert.equal(server.pendingOffers, 0, 'a token is honoured once');
      // The same token again, and a bad magic: refused, with the reason.
      for (const bytes of [preamble, Buffer.concat([randomBytes(8), route.token])]) {
        const socket = net.connect(server.port, '127.0.0.1');
        socket.on('error', () => {});
        socket.write(bytes);
        await once(socket, 'close');
      }
      assert.deepEqual(refused, ['unknown or spent token', 'bad magic']);
    } finally {
      await server.close();
    }
  });
});
