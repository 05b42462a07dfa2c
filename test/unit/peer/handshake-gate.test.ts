// The handshake gate's memory of addresses with a history: seeded from the bootstrap list (IPs
// only: a DNS name has none to match a socket against), and bounded, forgetting the oldest first.
// Its caps on real sockets are tested by silent-flood.test.ts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { addressKey, DEFAULT_HANDSHAKE_LIMITS, HandshakeGate } from '../../../node/peer/handshake-gate.js';

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

test('an IPv6 peer counts by its /64; an IPv4 address mapped into IPv6 counts as itself', () => {
  assert.equal(addressKey('2001:db8:1:2::5'), addressKey('2001:db8:1:2:aaaa:bbbb:cccc:9'));
  assert.equal(addressKey('2001:0db8:0001:0002::1'), '2001:db8:1:2::/64');
  assert.notEqual(addressKey('2001:db8:1:2::5'), addressKey('2001:db8:1:3::5'));
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64');
  assert.equal(addressKey('::ffff:10.0.0.1'), '10.0.0.1');
  assert.notEqual(addressKey('::ffff:10.0.0.1'), addressKey('::ffff:10.0.0.2'));
  assert.equal(addressKey('10.0.0.1'), '10.0.0.1');
  const gate = new HandshakeGate(['/ip6/2001:db8:1:2::1/tcp/4001']);
  assert.ok(gate.isKnown('2001:db8:1:2::77'), 'another address of a known /64 is known');
});
