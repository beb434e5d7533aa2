import { once } from 'node:events';
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A loopback TCP proxy between an SDK and a server, for fault injection: cut every connection, refuse new ones
 * (as a crashed server does), or point at another port (a restarted server).
 */
export class TcpProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  /** When true, new connections are closed at once. */
  refuse = false;
  /**
   * The next this-many connections forward the request but lose the answer: the first bytes from the server
   * close the client side instead (a request the server processed whose response never arrived).
   */
  loseAnswers = 0;
  connections = 0;
  url = '';

  constructor(public targetPort: number) {}

  async start(): Promise<this> {
    this.server = createServer((client) => {
      this.connections++;
      if (this.refuse) {
        client.destroy();
        return;
      }
      const upstream = connect(this.targetPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('close', () => this.sockets.delete(s));
        s.on('error', () => undefined);
      }
      client.pipe(upstream);
      if (this.loseAnswers > 0) {
        this.loseAnswers--;
        upstream.once('data', () => client.destroy());
      } else {
        upstream.pipe(client);
      }
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    this.server.listen(0, '127.0.0.1');
    await once(this.server, 'listening');
    const address = this.server.address();
    this.url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    return this;
  }

  /** Drop every open connection (both sides). */
  cut(): void {
    for (const s of this.sockets) s.destroy();
    this.sockets.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = undefined;
    if (server !== undefined) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
