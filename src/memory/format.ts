/** Human-readable sizes in binary units (KiB = 1024 bytes), the unit memory calculators report. */
const UNITS = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

export function formatBytes(bytes: number, digits = 2): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${bytes} bytes`;
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  // Whole numbers print without decimals, so 512 MiB reads as "512 MiB", not "512.00 MiB".
  const text = Number.isInteger(value) ? String(value) : value.toFixed(digits);
  return `${text} ${UNITS[unit]}`;
}
