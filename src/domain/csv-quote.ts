/**
 * CSV's own quoting (RFC 4180): a field holding a quote, a comma or a line break is wrapped in quotes with
 * its quotes doubled. A field, not SQL text; every CSV Mileage writes goes through here.
 */
export function quoteCsvField(text: string): string {
  // eslint-disable-next-line mileage/sql-text
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
