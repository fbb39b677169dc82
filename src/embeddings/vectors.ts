/** `vector` scaled to length 1, so a dot product of two is their cosine similarity. */
export function unit(vector: ArrayLike<number>): number[] {
  const values = Array.from(vector);
  const norm = Math.hypot(...values) || 1;
  return values.map((x) => x / norm);
}

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}
