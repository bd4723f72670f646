/** A 1-based position in a file. */
export interface Position {
  readonly line: number;
  readonly column: number;
}

/** Maps field paths (`services.api.ports[1]`) to where a compose text defines them. */
export interface Locator {
  /** The position of `path`, or (unless `exact`) of its closest enclosing field that the text names. */
  locate(path: string, exact?: boolean): Position | undefined;
}

/**
 * A {@link Locator} over recorded offsets: `offsets` maps field paths to where they start in
 * `text`; a path that was not recorded falls back to its closest recorded parent (the TOML and
 * YAML locators share this, so both formats point at the same fields the same way).
 */
export function offsetLocator(text: string, offsets: ReadonlyMap<string, number>): Locator {
  let lineStarts: number[] | undefined;
  const toPosition = (offset: number): Position => {
    if (!lineStarts) {
      lineStarts = [0];
      for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) lineStarts.push(k + 1);
    }
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if ((lineStarts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - (lineStarts[lo] as number) + 1 };
  };
  return {
    locate(path: string, exact = false): Position | undefined {
      for (let p = path; ; ) {
        const offset = offsets.get(p);
        if (offset !== undefined) return toPosition(offset);
        const parent = parentPath(p);
        if (exact || parent === undefined) return undefined;
        p = parent;
      }
    },
  };
}

/** `services.api.ports[1]` → `services.api.ports` → `services.api` → `services` → undefined. */
export function parentPath(path: string): string | undefined {
  const parent = path.replace(/(\.[^.[\]]+|\[[^\]]*\])$/, '');
  return parent === path || parent === '' ? undefined : parent;
}
