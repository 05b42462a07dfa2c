import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockStore } from '../../../../programs/ledger/blocks.js';
import { PERFORMANCE_SAMPLE_PERIOD_SECS } from '../../../../programs/ledger/constants.js';
import { TransactionHistory, type TransactionRecord } from '../../../../programs/ledger/history.js';

const record = (signature: string, slot: number) => ({ signature, slot }) as unknown as TransactionRecord;

test('each ended slot is a block chained to its parent; ranges and limits read them in order', () => {
  const history = new TransactionHistory();
  const blocks = new BlockStore(history, { slot: 0, blockhash: 'genesis' });
  blocks.close(0, 'h0', 0, 0);
  history.add(record('s1', 1));
  blocks.addTransaction('s1');
  blocks.close(1, 'h1', 1, 1);
  blocks.close(3, 'h3', 3, 1); // slot 2 jumped over
  assert.deepEqual(blocks.get(0), { ...blocks.get(0), parentSlot: 0, previousBlockhash: 'genesis' });
  assert.equal(blocks.get(1)?.previousBlockhash, 'h0');
  assert.deepEqual(blocks.get(1)?.signatures, ['s1']);
  assert.equal(blocks.get(3)?.parentSlot, 1);
  assert.equal(blocks.get(2), undefined);
  assert.deepEqual(blocks.slotsIn(0, 10), [0, 1, 3]);
  assert.deepEqual(blocks.slotsIn(1, 10, 1), [1]);
  assert.equal(blocks.countIn(0, 3), 3);
  assert.equal(blocks.lastSlot, 3);
});

test('a block whose transactions history dropped is gone, and the first available slot moves on', () => {
  const history = new TransactionHistory(1);
  const blocks = new BlockStore(history, { slot: 0, blockhash: 'genesis' });
  history.add(record('a', 0));
  blocks.addTransaction('a');
  blocks.close(0, 'h0', 0, 1);
  history.add(record('b', 1)); // capacity 1: 'a' is dropped
  blocks.addTransaction('b');
  blocks.close(1, 'h1', 1, 2);
  assert.equal(blocks.get(0), undefined);
  assert.equal(blocks.firstAvailable, 1);
});

test('a performance sample is taken once a sample period has passed, newest first', () => {
  let now = 0;
  const blocks = new BlockStore(new TransactionHistory(), { slot: 0, blockhash: 'g' }, () => now);
  blocks.close(0, 'h0', 0, 0);
  assert.deepEqual(blocks.recentSamples(10), []);
  now = PERFORMANCE_SAMPLE_PERIOD_SECS * 1000;
  blocks.close(150, 'h150', 150, 7);
  now *= 2;
  blocks.close(300, 'h300', 300, 10);
  const samples = blocks.recentSamples(10);
  assert.deepEqual(
    samples.map((s) => [s.slot, s.numSlots, s.numTransactions, s.samplePeriodSecs]),
    [
      [300, 150, 3, PERFORMANCE_SAMPLE_PERIOD_SECS],
      [150, 150, 7, PERFORMANCE_SAMPLE_PERIOD_SECS],
    ],
  );
  assert.equal(blocks.recentSamples(1).length, 1);
});
