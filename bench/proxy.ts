import { createConnection, createServer, type Server, type Socket } from 'node:net';

/**
 * A tiny round-robin TCP proxy, for the bench only: each incoming connection is piped to the
 * next backend in turn (autocannon keeps its connections open, so N connections split evenly).
 * `targets` can be changed between phases to measure one instance and then two through the
 * same hop.
 */
export class RoundRobinProxy {
  private next = 0;
  private readonly sockets = new Set<Socket>();

  private constructor(
    private readonly server: Server,
    readonly port: number,
    public targets: number[],
  ) {}

  static async start(targets: number[]): Promise<RoundRobinProxy> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    const proxy = new RoundRobinProxy(server, typeof address === 'object' && address ? address.port : 0, targets);
    server.on('connection', (client) => proxy.pipe(client));
    return proxy;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  private pipe(client: Socket): void {
    const port = this.targets[this.next++ % this.targets.length]!;
    const upstream = createConnection({ host: '127.0.0.1', port });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    for (const socket of [client, upstream]) {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  }

  /** Closes every piped connection (between phases, so the next phase re-balances). */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
