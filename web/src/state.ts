/**
 * Filters live in the URL's query string (since, until, team, tool, model), so a view can be bookmarked and
 * shared; every page reads them from here and the API receives them as they are.
 */
export const FILTER_KEYS = ['since', 'until', 'team', 'tool', 'model'] as const;
export type FilterKey = (typeof FILTER_KEYS)[number];

export function currentFilters(): URLSearchParams {
  const here = new URLSearchParams(location.search);
  const out = new URLSearchParams();
  for (const key of FILTER_KEYS) {
    const value = here.get(key);
    if (value) out.set(key, value);
  }
  return out;
}

/** The API parameters of the current view, with extra page parameters (by, week…). */
export function apiParams(extra: Record<string, string | null | undefined> = {}): URLSearchParams {
  const params = currentFilters();
  for (const [key, value] of Object.entries(extra)) if (value) params.set(key, value);
  return params;
}

/** A page parameter kept in the URL besides the filters (e.g. the quadrant's grouping). */
export function pageParam(name: string): string | null {
  return new URLSearchParams(location.search).get(name);
}

/** A dashboard link that keeps the current filters. */
export function hrefWithFilters(path: string, extra: Record<string, string> = {}): string {
  const params = currentFilters();
  for (const [key, value] of Object.entries(extra)) params.set(key, value);
  const query = params.toString();
  return query ? `${path}?${query}` : path;
}

let navigator: (href: string) => void = (href) => location.assign(href);

/** Moves to a dashboard URL without a reload (the router registers itself at start). */
export function navigate(href: string): void {
  navigator(href);
}

export function setNavigator(go: (href: string) => void): void {
  navigator = go;
}
