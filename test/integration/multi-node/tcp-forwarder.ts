import { createServer, connect, type AddressInfo, type Socket } from 'node:net';

/**
 * A load balancer reduced to its failover: a local TCP port that forwards
 * every new connection to the current target, and can be re-pointed at
 * another node once the first is gone. A connection whose upstream dies is
 * dropped on the client's side too, as a real balancer's would be, so that
 * the client notices and reconnects (through the forwarder, to the new target).
 */
export interface TcpForwarder {
  /** `http://127.0.0.1:<port>`: give this to the clients instead of a node's URL. */
  readonly url: string;
  /** New connections go to this `http://host:port` URL from now on; open ones are left alone. */
  pointTo(targetUrl: string): void;
  /** Connections forwarded so far, per target URL. */
  readonly forwarded: ReadonlyMap<string, number>;
  /** Stops listening and drops every open connection. */
  close(): Promise<void>;
}

export const startTcpForwarder = async (targetUrl: string): Promise<TcpForwarder> => {
  let target = new URL(targetUrl);
  const forwarded = new Map<string, number>();
  const open = new Set<Socket>();

  const server = createServer((downstream) => {
    const to = target;
    const key = to.origin;
    forwarded.set(key, (forwarded.get(key) ?? 0) + 1);
    const upstream = connect({ host: to.hostname, port: Number(to.port) });
    open.add(downstream);
    open.add(upstream);
    const drop = (): void => {
      downstream.destroy();
      upstream.destroy();
      open.delete(downstream);
      open.delete(upstream);
    };
    for (const socket of [downstream, upstream]) {
      socket.on('error', drop);
      socket.on('close', drop);
    }
    downstream.pipe(upstream);
    upstream.pipe(downstream);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    pointTo: (url) => {
      target = new URL(url);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of open) socket.destroy();
        open.clear();
        server.close(() => resolve());
      }),
  };
};
