const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

/** "1.2K": viewer counts change every second, so exact digits are noise. */
export function formatCount(count: number): string {
  return compact.format(count);
}

/** The first letter of a name, for avatar placeholders (handles emoji and accents). */
export function initial(name: string): string {
  const first = Array.from(name.trim())[0];
  return first ? first.toUpperCase() : '?';
}
