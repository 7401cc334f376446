import type { BackendProbe } from './backend-probe.js';
import { OPERATIONS } from './backend-probe.js';
import { fail, pass, skip, type CheckLog } from './check-result.js';

const FIX_SLOW =
  'ECB gives up on a backend call after ECB_BACKEND_TIMEOUT_MS (default 5000) and answers BACKEND_UNAVAILABLE: ' +
  'make this operation faster (indexes, paging, no remote calls in the request path) or raise the timeout.';

/** Per operation, the median and slowest call, measured against ECB's backend timeout. */
export const checkLatency = (probe: BackendProbe, log: CheckLog, timeoutMs: number): void => {
  for (const operation of OPERATIONS) {
    const title = `${operation} answers within ${timeoutMs} ms`;
    const times = [...(probe.latencies().get(operation) ?? [])].sort((a, b) => a - b);
    if (times.length === 0) {
      log.add(`latency:${operation}`, title, skip('not called'));
      continue;
    }
    const median = times[Math.floor(times.length / 2)]!;
    const slowest = times[times.length - 1]!;
    const summary = `median ${median.toFixed(0)} ms, slowest ${slowest.toFixed(0)} ms over ${times.length} calls`;
    log.add(`latency:${operation}`, title, slowest < timeoutMs ? pass(summary) : fail(summary, FIX_SLOW));
  }
};
