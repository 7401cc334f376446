// Scale beyond one core: two ECB processes behind the Redis adapter.
export const runScaling = async () => ({ pending: 'not measured yet' });
