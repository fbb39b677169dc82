import { describe, expect, it } from "vitest";
import { fromHalves, toHalves } from "../src/embeddings/half-precision.js";

describe("vectors at half precision", () => {
  it("keeps the values binary16 holds exactly, and the limits of its range", () => {
    const values = [0, 1, -2, 0.5, 0.333251953125, 65504, -65504, 2 ** -14, 2 ** -24];
    expect(Array.from(toHalves(new Float32Array(values)))).toEqual([0, 0x3c00, 0xc000, 0x3800, 0x3555, 0x7bff, 0xfbff, 0x0400, 0x0001]);
    expect(Array.from(fromHalves(toHalves(new Float32Array(values))))).toEqual(values);
    expect(Array.from(fromHalves(toHalves(new Float32Array([1e6, -1e6, 1e-9]))))).toEqual([Infinity, -Infinity, 0]);
  });

  it("rounds to the nearest half, carrying into the exponent, within 2^-11 of each value", () => {
    // Just under 2: every mantissa bit set rounds up to 2 itself.
    expect(Array.from(fromHalves(toHalves(new Float32Array([1.99999])))).at(0)).toBe(2);
    const values = new Float32Array(10_000).map((_, i) => Math.sin(i * 12.9898) * 0.9);
    const back = fromHalves(toHalves(values));
    for (let i = 0; i < values.length; i++) {
      const tolerance = Math.max(Math.abs(values[i]!) * 2 ** -11, 2 ** -25);
      expect(Math.abs(back[i]! - values[i]!)).toBeLessThanOrEqual(tolerance);
    }
  });

  it("moves the cosine of two unit vectors by less than 10^-3", () => {
    const unitVector = (seed: number) => {
      const v = new Float32Array(512).map((_, i) => Math.sin((i + 1) * seed));
      const norm = Math.hypot(...v);
      return v.map((x) => x / norm);
    };
    const [a, b] = [unitVector(1.7), unitVector(2.3)];
    const cosine = (x: Float32Array, y: Float32Array) => x.reduce((sum, value, i) => sum + value * y[i]!, 0);
    expect(Math.abs(cosine(fromHalves(toHalves(a)), fromHalves(toHalves(b))) - cosine(a, b))).toBeLessThan(1e-3);
  });
});
