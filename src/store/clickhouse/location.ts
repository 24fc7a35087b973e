/**
 * `--store clickhouse://user@host:8123/db`: where a ClickHouse store lives. The password never appears in the
 * URL (it would land in shell history and process lists): it comes from MILEAGE_CLICKHOUSE_PASSWORD.
 * `clickhouses://` speaks HTTPS.
 */
export interface ClickHouseLocation {
  /** http(s)://host:port, what the official client connects to. */
  url: string;
  username: string;
  password: string;
  database: string;
  /** The location as shown to people: no password, ever. */
  display: string;
}

export const CLICKHOUSE_PASSWORD_ENV = 'MILEAGE_CLICKHOUSE_PASSWORD';

export function isClickHouseLocation(location: string): boolean {
  return /^clickhouses?:\/\//i.test(location);
}

export function parseClickHouseLocation(location: string, env: NodeJS.ProcessEnv): ClickHouseLocation {
  let parsed: URL;
  try {
    parsed = new URL(location);
  } catch (cause) {
    throw new Error(`--store ${JSON.stringify(location)} is not a URL (clickhouse://user@host:8123/db)`, {
      cause,
    });
  }
  const secure = parsed.protocol.toLowerCase() === 'clickhouses:';
  if (!secure && parsed.protocol.toLowerCase() !== 'clickhouse:') {
    throw new Error(`--store ${JSON.stringify(location)}: the scheme is clickhouse:// or clickhouses://`);
  }
  if (parsed.password !== '') {
    throw new Error(
      `--store: put no password in the URL (it would be kept in shell history); set ${CLICKHOUSE_PASSWORD_ENV} instead`,
    );
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'default';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new Error(`--store: the database name ${JSON.stringify(database)} is not a plain identifier`);
  }
  const port = parsed.port || (secure ? '8443' : '8123');
  const username = decodeURIComponent(parsed.username) || 'default';
  const url = `${secure ? 'https' : 'http'}://${parsed.hostname}:${port}`;
  return {
    url,
    username,
    password: env[CLICKHOUSE_PASSWORD_ENV] ?? '',
    database,
    display: `${secure ? 'clickhouses' : 'clickhouse'}://${username}@${parsed.hostname}:${port}/${database}`,
  };
}
