// The ledger's RPC server in a process of its own, so a bench can read its memory apart from the
// attacker's: prints {rpcUrl, wsUrl} on stdout, then answers each IPC 'stats' with its RSS,
// websocket and subscription counts. Usage: node --import tsx bench/lib/ledger-child.ts [slot ms]
import '../../node/runtime/polyfills.js';
import { LedgerBank } from '../../programs/ledger/bank.js';
import { startLedgerServer } from '../../programs/ledger/server.js';

export interface LedgerChildStats {
  rss: number;
  websockets: number;
  subscriptions: number;
}

const slotIntervalMs = Number(process.argv[2] ?? 400);
const bank = new LedgerBank({ slotIntervalMs });
const server = await startLedgerServer(bank, { host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ rpcUrl: server.rpcUrl, wsUrl: server.wsUrl })}\n`);
process.on('message', (message) => {
  if (message !== 'stats') return;
  const stats: LedgerChildStats = {
    rss: process.memoryUsage().rss,
    websockets: server.websockets,
    subscriptions: server.subscriptions.size,
  };
  process.send?.(stats);
});
process.on('disconnect', () => {
  void server.close().then(() => {
    bank.close();
    process.exit(0);
  });
});
