import net from 'node:net';

/**
 * A TCP proxy on loopback in front of PostgreSQL, to take the database away from a server without
 * touching the machine's PostgreSQL: `refuse()` closes the port and every connection (a stopped
 * database), `blackhole()` keeps connections open but forwards nothing and answers no new one (a
 * network partition: the worst case, where nothing fails fast), `restore()` forwards again (the
 * connections cut meanwhile stay cut, as after a database restart).
 */
export interface TcpProxy {
  port: number;
  mode: 'forward' | 'refuse' | 'blackhole';
  refuse(): Promise<void>;
  blackhole(): void;
  restore(): Promise<void>;
  close(): Promise<void>;
  /** The URL with its host and port replaced by the proxy's. */
  urlFor(databaseUrl: string): string;
}

export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const pairs = new Set<{ client: net.Socket; upstream?: net.Socket }>();
  let server: net.Server;
  let port = 0;
  const proxy: TcpProxy = {
    port: 0,
    mode: 'forward',
    async refuse() {
      proxy.mode = 'refuse';
      for (const p of pairs) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      pairs.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    blackhole() {
      proxy.mode = 'blackhole';
      for (const p of pairs) {
        p.client.unpipe();
        p.upstream?.unpipe();
        p.client.pause();
        p.upstream?.pause();
      }
    },
    async restore() {
      if (proxy.mode === 'refuse') await listen();
      // Connections that lived through the outage are cut, as a restarted database would have cut them.
      for (const p of pairs) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      pairs.clear();
      proxy.mode = 'forward';
    },
    async close() {
      for (const p of pairs) {
        p.client.destroy();
        p.upstream?.destroy();
      }
      if (server.listening) await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    urlFor(databaseUrl) {
      const u = new URL(databaseUrl);
      u.hostname = '127.0.0.1';
      u.port = String(port);
      return u.toString();
    },
  };
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server = net.createServer((client) => {
        const pair: { client: net.Socket; upstream?: net.Socket } = { client };
        pairs.add(pair);
        client.on('error', () => {});
        client.on('close', () => pairs.delete(pair));
        if (proxy.mode === 'blackhole') {
          client.pause(); // accepted, never answered
          return;
        }
        const upstream = net.connect(targetPort, targetHost);
        pair.upstream = upstream;
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.pipe(upstream);
        upstream.pipe(client);
      });
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as net.AddressInfo).port;
        proxy.port = port;
        resolve();
      });
    });
  await listen();
  return proxy;
}
