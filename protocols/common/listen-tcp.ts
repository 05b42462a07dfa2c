// A plain TCP server for a direct data channel: listening before it is handed out, with a cap on
// concurrent sockets and Nagle off (requests and their first bytes go out at once).
import net from 'node:net';

export async function listenTcp(
  host: string,
  port: number,
  options: { maxConnections: number; allowHalfOpen?: boolean; onSocket: (socket: net.Socket) => void },
): Promise<net.Server> {
  const server = net.createServer({ allowHalfOpen: options.allowHalfOpen ?? false, noDelay: true });
  server.maxConnections = options.maxConnections;
  server.on('connection', options.onSocket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return server;
}

/** The port a listening server got (the one asked for, or the kernel's pick for 0). */
export function listeningPort(server: net.Server): number {
  return (server.address() as net.AddressInfo).port;
}
