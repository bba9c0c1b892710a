import { ConfigError, loadConfig } from '@titanic/inference/config.ts';
import { describe, expect, it } from 'vitest';

/**
 * D9: hostile or careless values in the environment. Blank means unset (the documented default
 * applies), surrounding whitespace is trimmed, numbers are decimal digits only.
 */
const DEFAULTS: [string, string, keyof ReturnType<typeof loadConfig>, unknown][] = [
  ['PORT', ' ', 'port', 8080],
  ['PORT', '\t\n', 'port', 8080],
  ['RATE_LIMIT_RPS', ' ', 'rateLimitRps', 100],
  ['SHUTDOWN_TIMEOUT_MS', '  ', 'shutdownTimeoutMs', 10_000],
  ['PREDICTION_LOG_QUEUE_MAX', ' ', 'logQueueMax', 50_000],
  ['PORT', ' 9000 ', 'port', 9000],
  ['RATE_LIMIT_RPS', ' 0.5', 'rateLimitRps', 0.5],
  ['HEADERS_TIMEOUT_MS', ' ', 'headersTimeoutMs', 10_000],
  ['TRUST_PROXY', ' true ', 'proxyHops', 1],
];

const REFUSED: [string, string][] = [
  ['PORT', '0x4746'],
  ['PORT', '1e3'],
  ['PORT', '+80'],
  ['PORT', '80.0'],
  ['PORT', '8 0'],
  ['RATE_LIMIT_RPS', '0x10'],
  ['RATE_LIMIT_RPS', 'Infinity'],
  ['RATE_LIMIT_RPS', '-1'],
  ['SHUTDOWN_TIMEOUT_MS', '1e4'],
  ['RATE_LIMIT_BURST', '0b11'],
  ['PSI_WINDOW', '1_000'],
  ['MAX_CONNECTIONS', '0'],
  ['TRUST_PROXY_HOPS', '-1'],
  ['PREDICTION_LOG_OVERFLOW', 'block'],
];

describe('D9: numeric and blank settings', () => {
  it.each(DEFAULTS)('%s=%j gives %s = %j', (variable, value, key, expected) => {
    expect(loadConfig({ [variable]: value })[key]).toEqual(expected);
  });

  it.each(REFUSED)('%s=%j is refused, naming the variable and the fix', (variable, value) => {
    let error: unknown;
    try {
      loadConfig({ [variable]: value });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(variable);
    expect((error as ConfigError).message).toMatch(new RegExp(`^${variable}: .+ Fix: `));
  });

  it('refuses a request timeout shorter than the headers timeout', () => {
    expect(() => loadConfig({ HEADERS_TIMEOUT_MS: '5000', REQUEST_TIMEOUT_MS: '1000' })).toThrow(
      /REQUEST_TIMEOUT_MS: must be at least HEADERS_TIMEOUT_MS/,
    );
  });
});
