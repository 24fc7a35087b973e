/** The next page number of an offset-paginated answer: `x-next-page`, else the `page` of `Link: <…>; rel="next"`. */
export function nextPageNumber(headers: Headers): number | null {
  const header = headers.get('x-next-page')?.trim();
  if (header) {
    const n = Number(header);
    return Number.isInteger(n) && n > 0 ? n : null;
  }
  const link = headers.get('link');
  if (!link) return null;
  for (const part of link.split(',')) {
    const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(part);
    if (!m?.[1]) continue;
    try {
      const n = Number(new URL(m[1]).searchParams.get('page'));
      return Number.isInteger(n) && n > 0 ? n : null;
    } catch {
      return null;
    }
  }
  return null;
}
