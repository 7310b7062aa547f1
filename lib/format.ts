const UNITS: Record<string, string[]> = {
  en: ['B', 'KB', 'MB', 'GB', 'TB'],
  de: ['B', 'KB', 'MB', 'GB', 'TB'],
  // French writes octets: o, Ko, Mo, Go, To.
  fr: ['o', 'Ko', 'Mo', 'Go', 'To'],
};

const numberFormats = new Map<string, Intl.NumberFormat>();
const numberFormat = (locale: string, digits: number) => {
  const key = `${locale} ${digits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
      useGrouping: false,
    });
    numberFormats.set(key, format);
  }

  return format;
};

const digitsFor = (value: number, unit: number) => (unit === 0 || value >= 9.95 ? 0 : 1);
const rounded = (value: number, unit: number) => Number(value.toFixed(digitsFor(value, unit)));

/**
 * 1536 → "1.5 KB" (en), "1,5 KB" (de), "1,5 Ko" (fr): binary units, as file managers show them;
 * rounding carries into the next unit.
 */
export const formatBytes = (bytes: number, locale = 'en') => {
  const units = UNITS[locale.split('-')[0]!] ?? UNITS.en!;
  let value = bytes;
  let unit = 0;
  while (unit < units.length - 1 && rounded(value, unit) >= 1024) {
    value /= 1024;
    unit++;
  }

  return `${numberFormat(locale, digitsFor(value, unit)).format(value)} ${units[unit]}`;
};
