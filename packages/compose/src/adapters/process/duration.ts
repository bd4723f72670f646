/** Milliseconds of a compose duration (`"1m30s"`, `"500ms"`, `"2h"`, `"10"` = seconds); undefined if unreadable. */
export function durationMs(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const trimmed = text.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const unit: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  let rest = trimmed;
  const part = /^(\d+(?:\.\d+)?)(ms|s|m|h)/;
  if (rest === '') return undefined;
  while (rest.length > 0) {
    const match = part.exec(rest);
    if (!match) return undefined;
    total += Number(match[1]) * (unit[match[2] ?? 's'] ?? 1000);
    rest = rest.slice(match[0].length);
  }
  return total;
}
