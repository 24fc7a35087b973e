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

/** Where each metric table shown came from, so that it can be downloaded as the API's CSV of it. */
const tableSources = new WeakMap<object, { id: string; params: URLSearchParams }>();

export async function metric(
  id: string,
  params: URLSearchParams,
  signal?: AbortSignal,
): Promise<MetricAnswer> {
  const answer = await get<MetricAnswer>(`/metrics/${encodeURIComponent(id)}`, params, signal);
  tableSources.set(answer.table, { id, params: new URLSearchParams(params) });
  return answer;
}

/** The request a table came from, when it is a metric's answer as the API gave it. */
export function tableSource(table: object): { id: string; params: URLSearchParams } | undefined {
  return tableSources.get(table);
}

/**
 * Saves a metric's table as CSV: the server renders it (`format=csv`, the same table, privacy applied alike),
 * and the browser saves it under the server's file name. Fetched with the session token, so no link carries it.
 */
export async function downloadCsv(id: string, params: URLSearchParams): Promise<void> {
  const query = new URLSearchParams(params);
  query.set('format', 'csv');
  const response = await fetch(`/api/v1/metrics/${encodeURIComponent(id)}?${query.toString()}`, {
    headers: { authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY) ?? ''}` },
  });
  if (!response.ok)
    throw new ApiError(response.status, 'http_error', `CSV of ${id} answered ${response.status}`);
  const name =
    /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? `${id}.csv`;
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
