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

export const metric = (id: string, params: URLSearchParams, signal?: AbortSignal) =>
  get<MetricAnswer>(`/metrics/${encodeURIComponent(id)}`, params, signal);

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
