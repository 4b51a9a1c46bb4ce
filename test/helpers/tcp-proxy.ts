import { type Server, type Socket, connect, createServer } from 'node:net';

/**
 * A loopback TCP proxy in front of a Redis, to lose replies on purpose: with `replies`
 * off, what the gateway sends still reaches Redis (and runs) but the answers are dropped;
 * with `requests` off, nothing the gateway sends reaches Redis. `cut()` then closes every
 * connection, as a network failure would, after which the gateway reconnects through it.
 */
export interface TcpProxy {
  readonly url: string;
  /** Forward Redis's replies to the gateway (default true). */
  replies: boolean;
  /** Forward the gateway's commands to Redis (default true). */
  requests: boolean;
  /** Connections open now. */
  readonly connections: number;
  /** Closes every proxied connection (both sides). */
  cut(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  const proxy: TcpProxy = {
    url: '',
    replies: true,
    requests: true,
    get connections() {
      return pairs.size;
    },
    cut() {
      for (const [a, b] of pairs) {
        a.destroy();
        b.destroy();
      }
      pairs.clear();
    },
    async close() {
      proxy.cut();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
  const server: Server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1');
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (d) => {
      if (proxy.requests) upstream.write(d);
    });
    upstream.on('data', (d) => {
      if (proxy.replies) client.write(d);
    });
    client.on('close', drop);
    upstream.on('close', drop);
    client.on('error', drop);
    upstream.on('error', drop);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return Object.assign(proxy, { url: `redis://127.0.0.1:${port}` });
}
