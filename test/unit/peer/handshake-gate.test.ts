// The handshake gate's memory of addresses with a history: seeded from the bootstrap list (IPs
// only: a DNS name has none to match a socket against), and bounded, forgetting the oldest first.
// Its caps on real sockets are tested by silent-flood.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_HANDSHAKE_LIMITS, HandshakeGate } from '../../../node/peer/handshake-gate.js';

test('the bootstrap list seeds the known IPs; a DNS bootstrap adds none', () => {
  const gate = new HandshakeGate([
    '/ip4/10.0.0.7/tcp/4001',
    '/ip6/2001:db8::1/tcp/4001',
    '/dns4/boot.example.org/tcp/4001',
  ]);
  assert.ok(gate.isKnown('10.0.0.7'));
  assert.ok(gate.isKnown('2001:db8::1'));
  assert.ok(!gate.isKnown('boot.example.org'));
  assert.ok(!gate.isKnown('10.0.0.8'));
});

test('the known IPs are bounded: the least recently seen is forgotten first', () => {
  const gate = new HandshakeGate([], { ...DEFAULT_HANDSHAKE_LIMITS, maxKnownIps: 2 });
  gate.remember('10.0.0.1');
  gate.remember('10.0.0.2');
  gate.remember('10.0.0.1'); // seen again: now the newest
  gate.remember('10.0.0.3');
  assert.ok(gate.isKnown('10.0.0.1'));
  assert.ok(!gate.isKnown('10.0.0.2'));
  assert.ok(gate.isKnown('10.0.0.3'));
});
