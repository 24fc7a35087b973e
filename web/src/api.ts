import type { FilterValues, Me, MetricAnswer, MetricDefinition } from './types.js';

/**
 * The JSON API client. The admin session token arrives in the URL fragment (`#token=…`, printed by
 * `mileage serve`); it is kept in sessionStorage and removed from the address bar at once.
 */
const TOKEN_KEY = 'mileage.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function adoptTokenFromUrl(): void {
  const match = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (!match?.[1]) return;
  sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
  history.replaceState(history.state, '', location.pathname + location.search);
}

export function hasToken(): boolean {
  return sessionStorage.getItem(TOKEN_KEY) !== null;
}

export async function get<T>(path: string, params: URLSearchParams, signal?: AbortSignal): Promise<T> {
  const query = params.toString();
  const response = await fetch(`/api/v1${path}${query ? `?${query}` : ''}`, {
    headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}` },
    ...(signal ? { signal } : {}),
  });
  const body = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (body as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `${path} answered ${response.status}`,
    );
  }
  return body as T;
}

/** A POST with a JSON body (an action: acknowledge, mute); errors come back as ApiError like get's. */
export async function post<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
  const response = await fetch(`/api/v1${path}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(body),
    ...(signal ? { signal } : {}),
  });
  const answer = (await response.json().catch(() => null)) as unknown;
  if (!response.ok) {
    const error = (answer as { error?: { code?: string; message?: string } } | null)?.error;
    throw new ApiError(
      response.status,
      error?.code ?? 'http_error',
      error?.message ?? `${path} answered ${response.status}`,
    );
  }
  return answer as T;
}

/**
 * Where each table shown came from (an API path, its query, a name), so that it can be downloaded as the
 * API's CSV of the same request: a metric's answer, or a named table of a larger answer (`table=NAME`).
 */
export interface TableSource {
  name: string;
  path: string;
  params: URLSearchParams;
}

const tableSources = new WeakMap<object, TableSource>();

export async function metric(
  id: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<MetricAnswer> {
  const answer = await get<MetricAnswer>(`/metrics/${encodeURIComponent(id)}`, params, signal);
  tableSources.set(answer.table, {
    name: id,
    path: `/metrics/${encodeURIComponent(id)}`,
    params: new URLSearchParams(params),
  });
  return answer;
}

/**
 * Marks a table built from an answer (the weekly report's, the PR list's) as the API's `table=NAME` of the
 * same request, which the server builds from the same definition (src/report/answer-tables.ts).
 */
export function fromAnswer<T extends object>(
  table: T,
  path: string,
  params: URLSearchParams,
  name: string,
): T {
  const query = new URLSearchParams(params);
  query.set('table', name);
  tableSources.set(table, { name, path, params: query });
  return table;
}

/** The request a table came from, when the API can give it again. */
export function tableSource(table: object): TableSource | undefined {
  return tableSources.get(table);
}

/**
 * Saves a table as CSV: the server renders it (`format=csv`, the same table, privacy applied alike), and the
 * browser saves it under the server's file name. Fetched with the session token, so no link carries it.
 */
export async function downloadCsv(source: TableSource): Promise<void> {
  const query = new URLSearchParams(source.params);
  query.set('format', 'csv');
  const response = await fetch(`/api/v1${source.path}?${query.toString()}`, {
    headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}` },
  });
  if (!response.ok)
    throw new ApiError(response.status, 'http_error', `CSV of ${source.name} answered ${response.status}`);
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${source.name}.csv`;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

let catalog: Promise<Map<string, MetricDefinition>> | null = null;

/** The metric catalog, fetched once per page load: every number links to its entry. */
export function loadCatalog(): Promise<Map<string, MetricDefinition>> {
  catalog ??= get<{ metrics: MetricDefinition[] }>('/catalog', new URLSearchParams()).then(
    (c) => new Map(c.metrics.map((m) => [m.id, m])),
  );
  void catalog.catch(() => (catalog = null));
  return catalog;
}

export const me = () => get<Me>('/me', new URLSearchParams());
export const filterValues = (params: URLSearchParams) => get<FilterValues>('/filters', params);
