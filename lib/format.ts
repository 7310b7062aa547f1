const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

const display = (value: number, unit: number) =>
  unit === 0 ? String(value) : value < 9.95 ? value.toFixed(1) : value.toFixed(0);

/** 1536 → "1.5 KB" (binary units, as file managers show them); rounding carries into the next unit. */
export const formatBytes = (bytes: number) => {
  let value = bytes;
  let unit = 0;
  while (unit < UNITS.length - 1 && Number(display(value, unit)) >= 1024) {
    value /= 1024;
    unit++;
  }

  return `${display(value, unit)} ${UNITS[unit]}`;
};
