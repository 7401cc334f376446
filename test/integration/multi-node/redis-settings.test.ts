import { expect } from 'chai';
import { REDIS_FAN_OUT_DEFAULTS, reconnectDelay, redisAddressOf } from '../../../src/adapters/socket/redis-settings.js';

/** The Redis reconnect backoff, and what of a Redis URL may reach a log line. */
describe('Redis settings', () => {
  const noJitter = (): number => 0;
  const fullJitter = (): number => 1;

  it('backs off exponentially from the minimum delay up to the maximum, and never gives up', () => {
    const delays = [0, 1, 2, 3, 4, 5, 100, 10_000].map((retries) => reconnectDelay(retries, REDIS_FAN_OUT_DEFAULTS, noJitter));
    expect(delays).to.deep.equal([100, 200, 400, 800, 1_600, 2_000, 2_000, 2_000]);
  });

  it('adds at most the jitter share on top, so nodes do not reconnect in lockstep', () => {
    expect(reconnectDelay(0, REDIS_FAN_OUT_DEFAULTS, fullJitter)).to.equal(120);
    expect(reconnectDelay(50, REDIS_FAN_OUT_DEFAULTS, fullJitter)).to.equal(2_400);
  });

  it('logs a Redis URL as host:port only, without user, password or database', () => {
    expect(redisAddressOf('redis://ecb:s3cret@redis.internal:6380/2')).to.equal('redis.internal:6380');
    expect(redisAddressOf('rediss://:s3cret@redis.internal')).to.equal('redis.internal:6379');
    expect(redisAddressOf('not a url s3cret')).to.not.include('s3cret');
  });
});
