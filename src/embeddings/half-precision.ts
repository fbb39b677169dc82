/**
 * Vectors kept at half precision (IEEE 754 binary16): half the memory of float32, with a relative error
 * under 2^-11 per component, which moves a cosine of unit vectors by about 10^-4. Node has no Float16Array
 * yet; the conversion is the usual bit arithmetic, rounding to nearest.
 */

const float = new Float32Array(1);
const bits = new Uint32Array(float.buffer);

/** The binary16 bits nearest to `value`. */
function halfOf(value: number): number {
  float[0] = value;
  const x = bits[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = ((x >>> 23) & 0xff) - 127 + 15;
  let mantissa = x & 0x7fffff;
  if (((x >>> 23) & 0xff) === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0); // Infinity, NaN
  if (exponent >= 0x1f) return sign | 0x7c00; // Too large: infinity.
  if (exponent <= 0) {
    if (exponent < -10) return sign; // Too small: zero.
    mantissa = (mantissa | 0x800000) >> (1 - exponent); // Subnormal.
    return sign | ((mantissa + 0x1000) >> 13);
  }
  // Rounding may carry into the exponent, which the addition does by itself.
  return (sign | (exponent << 10) | (mantissa >> 13)) + ((mantissa >> 12) & 1);
}

/** Every binary16 value as float32, by its bits: decoding is one lookup. */
const FLOATS = (() => {
  const table = new Float32Array(0x10000);
  for (let h = 0; h < 0x10000; h++) {
    const sign = h & 0x8000 ? -1 : 1;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    table[h] =
      exponent === 0
        ? sign * 2 ** -14 * (mantissa / 1024)
        : exponent === 0x1f
          ? mantissa
            ? Number.NaN
            : sign * Number.POSITIVE_INFINITY
          : sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
  }
  return table;
})();

/** `vectors` at half precision. */
export function toHalves(vectors: Float32Array): Uint16Array {
  const halves = new Uint16Array(vectors.length);
  for (let i = 0; i < vectors.length; i++) halves[i] = halfOf(vectors[i]!);
  return halves;
}

/** Half-precision `halves` as float32. */
export function fromHalves(halves: Uint16Array): Float32Array {
  const vectors = new Float32Array(halves.length);
  for (let i = 0; i < halves.length; i++) vectors[i] = FLOATS[halves[i]!]!;
  return vectors;
}
