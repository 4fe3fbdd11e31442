/**
 * Exact decimal arithmetic for the fee engine: a value is `n / 10^scale` with `n` a BigInt, so
 * 235 × 0.005 × 6,800,000 × 0.773 is exactly 6,176,270 and never 6,176,269.999999999. Only what
 * the engine needs: multiply, add, round half up, and print.
 */
export type Decimal = { readonly n: bigint; readonly scale: number };

/**
 * The decimal a JSON number was written as (its shortest round-trip form: 0.005 is 5/1000, not the
 * binary double nearest to it). Throws on NaN and infinities.
 */
export function decimal(x: number): Decimal {
  if (!Number.isFinite(x)) throw new RangeError(`not a finite number: ${x}`);
  const [mantissa = '', exponent] = String(x).split('e');
  const negative = mantissa.startsWith('-');
  const [whole = '0', fraction = ''] = mantissa.replace('-', '').split('.');
  let n = BigInt(whole + fraction);
  let scale = fraction.length - (exponent ? Number(exponent) : 0);
  if (scale < 0) {
    n *= 10n ** BigInt(-scale);
    scale = 0;
  }
  return { n: negative ? -n : n, scale };
}

/** How many decimal places a number was written with (0.005 → 3, 1.09 → 2, 6800000 → 0). */
export function decimalPlaces(x: number): number {
  return decimal(x).scale;
}

export function mul(...factors: Decimal[]): Decimal {
  return factors.reduce((a, b) => ({ n: a.n * b.n, scale: a.scale + b.scale }), { n: 1n, scale: 0 });
}

function rescale(a: Decimal, scale: number): bigint {
  return a.n * 10n ** BigInt(scale - a.scale);
}

export function add(...terms: Decimal[]): Decimal {
  const scale = Math.max(0, ...terms.map((t) => t.scale));
  return { n: terms.reduce((sum, t) => sum + rescale(t, scale), 0n), scale };
}

export function equal(a: Decimal, b: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale);
  return rescale(a, scale) === rescale(b, scale);
}

/** Rounds to `places` decimals, a half away from zero (half up for the non-negative amounts here: 0.7725 → 0.773). */
export function roundHalfUp(a: Decimal, places: number): Decimal {
  if (a.scale <= places) return a;
  const unit = 10n ** BigInt(a.scale - places);
  const magnitude = a.n < 0n ? -a.n : a.n;
  let q = magnitude / unit;
  if ((magnitude % unit) * 2n >= unit) q += 1n;
  return { n: a.n < 0n ? -q : q, scale: places };
}

/** Plain text with a dot and no trailing zeros: "0.7725", "6176270". */
export function toText(a: Decimal): string {
  const negative = a.n < 0n;
  const digits = (negative ? -a.n : a.n).toString().padStart(a.scale + 1, '0');
  const whole = digits.slice(0, digits.length - a.scale);
  const fraction = digits.slice(digits.length - a.scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

export function toNumber(a: Decimal): number {
  return Number(toText(a));
}
