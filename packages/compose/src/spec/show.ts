/** Renders any value for an error message; never throws (BigInt, cycles, symbols are fine). */
export function show(value: unknown): string {
  if (typeof value === 'bigint') return `${value}`;
  if (value instanceof Date) return value.toISOString();
  try {
    const text = JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}` : v));
    if (text === undefined) return String(value);
    return text.length > 120 ? `${text.slice(0, 117)}...` : text;
  } catch {
    return Object.prototype.toString.call(value);
  }
}
