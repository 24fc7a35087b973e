/**
 * An ISO-8601 instant read strictly. JavaScript's Date takes `2026-02-30` as March 2 and `T24:00` as the
 * next day without a word; a file that says so has a typo, and the record is rejected, never moved.
 * Accepts a date (`2026-07-01`, midnight UTC) or a time with a zone (`Z`, `+02:00`, `+0200`); null otherwise.
 */
const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2}))?$/i;

export function parseInstant(text: string): Date | null {
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', , zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1) return null;
  if (day > new Date(Date.UTC(year, month, 0)).getUTCDate()) return null;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return null;
  if (zone && zone.toUpperCase() !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(-2));
    if (zh > 23 || zm > 59) return null;
  }
  const iso =
    m[4] === undefined
      ? `${y}-${mo}-${d}T00:00:00Z`
      : text
          .trim()
          .replace(' ', 'T')
          .replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? null : date;
}
