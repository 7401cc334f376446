/**
 * A view of a Redis client in which no command's failure can go unhandled.
 *
 * Why: the Socket.IO Redis adapter fires commands and drops their promises
 * (`publish` on every broadcast, `subscribe`/`unsubscribe` on start and
 * close). While Redis is unreachable those promises reject, and an
 * unhandled rejection ends a Node process: a failed publish would crash the
 * node (ECB-SPEC §9 forbids it). Every promise a call returns gets
 * `onRejected` attached; the caller still receives the very same promise,
 * so code that awaits it still sees the failure.
 *
 * Methods are bound to the real client because node-redis keeps its state
 * in private fields, which a call through a Proxy receiver cannot read.
 */
export const guardRejections = <C extends object>(client: C, onRejected: (command: string, cause: unknown) => void): C =>
  new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]): unknown => {
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (isPromise(result)) result.catch((cause: unknown) => onRejected(String(property), cause));
        return result;
      };
    },
  });

const isPromise = (value: unknown): value is Promise<unknown> =>
  typeof value === 'object' && value !== null && typeof (value as { catch?: unknown }).catch === 'function';
