import { describe, expect, it } from 'vitest';
import { CLICKHOUSE_PASSWORD_ENV, isClickHouseLocation, parseClickHouseLocation } from './location.js';

describe('clickhouse:// store locations', () => {
  it('reads user, host, port and database, the password from the environment only', () => {
    const loc = parseClickHouseLocation('clickhouse://mileage@ch.internal:8123/spend', {
      [CLICKHOUSE_PASSWORD_ENV]: 's3cret',
    });
    expect(loc).toEqual({
      url: 'http://ch.internal:8123',
      username: 'mileage',
      password: 's3cret',
      database: 'spend',
      display: 'clickhouse://mileage@ch.internal:8123/spend',
    });
    expect(loc.display).not.toContain('s3cret');
  });

  it('defaults: user default, port 8123 (8443 over TLS), database default, no password', () => {
    expect(parseClickHouseLocation('clickhouse://db1', {})).toMatchObject({
      url: 'http://db1:8123',
      username: 'default',
      password: '',
      database: 'default',
    });
    expect(parseClickHouseLocation('clickhouses://db1/m', {}).url).toBe('https://db1:8443');
  });

  it('refuses a password in the URL, naming the variable to use instead', () => {
    expect(() => parseClickHouseLocation('clickhouse://u:pw@h:8123/db', {})).toThrow(CLICKHOUSE_PASSWORD_ENV);
  });

  it('refuses a database name that is not a plain identifier', () => {
    expect(() => parseClickHouseLocation('clickhouse://h/a%3Bdrop', {})).toThrow(/not a plain identifier/);
  });

  it('tells a ClickHouse location from a DuckDB path', () => {
    expect(isClickHouseLocation('clickhouse://h/db')).toBe(true);
    expect(isClickHouseLocation('CLICKHOUSES://h/db')).toBe(true);
    expect(isClickHouseLocation('.mileage/mileage.duckdb')).toBe(false);
  });
});
