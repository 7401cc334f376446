// How the profile summaries (profile-summary.mjs, alloc-summary.mjs) name where code lives and
// which functions are ECB's own (or B's), so that a CPU and an allocation profile read alike.

/** A script's package or area: ECB's by its directory under dist/src, a dependency by package. */
export const areaOf = (url) => {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.includes('/dist/src/')) return 'ecb:' + url.split('/dist/src/')[1].split('/').slice(0, 2).join('/');
  return url === '' ? '(native/gc/idle)' : url.startsWith('node:') ? 'node-core' : url;
};

/** A function as the views name it: ECB's by its file under dist/src, the others by package or area. */
export const frameName = (callFrame) => {
  const { url } = callFrame;
  const file = url.includes('/dist/src/') ? `ecb:${url.split('/dist/src/')[1]}` : areaOf(url);
  return `${callFrame.functionName || '(anonymous)'}  ${file}:${callFrame.lineNumber + 1}`;
};

/** True for a name (frameName) of ECB's own code or of B's (bench/lib/lean-relay.mjs). */
export const isOwnName = (name) => name.includes(' ecb:') || name.includes('lean-relay');
