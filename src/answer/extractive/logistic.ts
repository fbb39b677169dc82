/**
 * Linear models over standardized features: what the scorer stores and applies. Both are fitted by
 * Newton's method with an L2 penalty, which converges in a few steps on a few dozen features and
 * needs no learning rate or random start, so training is exactly reproducible.
 */
export interface LogisticModel {
  mean: number[];
  scale: number[];
  weights: number[];
  bias: number;
}

export function logit(model: LogisticModel, row: ArrayLike<number>): number {
  let z = model.bias;
  for (let i = 0; i < model.weights.length; i++) z += model.weights[i]! * ((row[i]! - model.mean[i]!) / model.scale[i]!);
  return z;
}

export function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

export interface FitOptions {
  /** L2 penalty on the weights (not the bias), per example. */
  l2: number;
  iterations?: number;
}

/** Logistic regression: the probability that a row's label is 1. */
export function fitLogistic(rows: ArrayLike<number>[], labels: number[], { l2, iterations = 25 }: FitOptions): LogisticModel {
  const { mean, scale, standardize } = standardization(rows);
  // The last column is the bias, which is not penalized.
  const x = rows.map((row) => [...standardize(row), 1]);
  const d = mean.length;
  const w = newton(d + 1, iterations, (w, gradient, hessian) => {
    x.forEach((xi, i) => {
      const p = sigmoid(dotProduct(w, xi));
      accumulate(gradient, hessian, xi, p - labels[i]!, Math.max(p * (1 - p), 1e-9));
    });
    penalize(gradient, hessian, w, l2 * x.length, d);
  });
  return { mean, scale, weights: w.slice(0, d), bias: w[d]! };
}

/**
 * Conditional logit: which row of each group is the positive one (a softmax over the group's rows).
 * It learns to rank a question's candidate sentences against each other, which is what choosing a
 * sentence needs, rather than to judge each sentence alone. Groups without a positive teach nothing
 * and are skipped; with several positives, their mean is the target.
 */
export function fitConditionalLogit(
  groups: { rows: ArrayLike<number>[]; positives: boolean[] }[],
  { l2, iterations = 30 }: FitOptions,
): LogisticModel {
  const { mean, scale, standardize } = standardization(groups.flatMap((g) => g.rows));
  const d = mean.length;
  const useful = groups.filter((g) => g.positives.some(Boolean)).map((g) => ({ x: g.rows.map(standardize), positives: g.positives }));
  const w = newton(d, iterations, (w, gradient, hessian) => {
    for (const { x, positives } of useful) {
      const z = x.map((row) => dotProduct(w, row));
      const top = Math.max(...z);
      const e = z.map((v) => Math.exp(v - top));
      const total = e.reduce((a, b) => a + b, 0);
      const p = e.map((v) => v / total);
      const expected = new Array<number>(d).fill(0);
      x.forEach((row, i) => row.forEach((v, j) => (expected[j]! += p[i]! * v)));
      const count = positives.filter(Boolean).length;
      // Gradient: E_p[x] - mean of the positives' x; Hessian: the covariance of x under p.
      x.forEach((row, i) => {
        for (let j = 0; j < d; j++) gradient[j]! -= positives[i] ? row[j]! / count : 0;
        accumulate(
          gradient,
          hessian,
          row.map((v, j) => v - expected[j]!),
          0,
          p[i]!,
        );
      });
      for (let j = 0; j < d; j++) gradient[j]! += expected[j]!;
    }
    penalize(gradient, hessian, w, l2 * useful.length, d);
  });
  return { mean, scale, weights: w, bias: 0 };
}

function standardization(rows: ArrayLike<number>[]) {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const mean = new Array<number>(d).fill(0);
  const scale = new Array<number>(d).fill(0);
  for (const row of rows) for (let j = 0; j < d; j++) mean[j]! += row[j]! / n;
  for (const row of rows) for (let j = 0; j < d; j++) scale[j]! += (row[j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) scale[j] = Math.sqrt(scale[j]!) || 1;
  const standardize = (row: ArrayLike<number>) => Array.from({ length: d }, (_, j) => (row[j]! - mean[j]!) / scale[j]!);
  return { mean, scale, standardize };
}

/**
 * Minimizes a convex loss whose gradient and Hessian `derivatives` adds up, from zero weights. A
 * step longer than 1 in any weight is shortened: a full Newton step from zero can overshoot a softmax.
 */
function newton(d: number, iterations: number, derivatives: (w: number[], gradient: number[], hessian: number[][]) => void): number[] {
  const w = new Array<number>(d).fill(0);
  for (let step = 0; step < iterations; step++) {
    const gradient = new Array<number>(d).fill(0);
    const hessian = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    derivatives(w, gradient, hessian);
    for (let j = 0; j < d; j++) {
      for (let k = 0; k < j; k++) hessian[k]![j] = hessian[j]![k]!;
      hessian[j]![j]! += 1e-9;
    }
    const delta = solve(hessian, gradient);
    const longest = Math.max(...delta.map(Math.abs));
    const shorten = longest > 1 ? 1 / longest : 1;
    for (let j = 0; j < d; j++) w[j]! -= shorten * delta[j]!;
    if (longest < 1e-7) break;
  }
  return w;
}

/** Adds one row's share to the gradient (`residual · x`) and to the lower triangle of the Hessian (`curvature · x xᵀ`). */
function accumulate(gradient: number[], hessian: number[][], x: number[], residual: number, curvature: number): void {
  for (let j = 0; j < x.length; j++) {
    gradient[j]! += residual * x[j]!;
    const cx = curvature * x[j]!;
    for (let k = 0; k <= j; k++) hessian[j]![k]! += cx * x[k]!;
  }
}

/** The L2 penalty on the first `d` weights. */
function penalize(gradient: number[], hessian: number[][], w: number[], strength: number, d: number): void {
  for (let j = 0; j < d; j++) {
    gradient[j]! += strength * w[j]!;
    hessian[j]![j]! += strength;
  }
}

function dotProduct(a: number[], b: number[]): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += a[i]! * b[i]!;
  return sum;
}

/** Solves `a · x = b` by Gaussian elimination with partial pivoting (`a` is small and well conditioned). */
function solve(a: number[][], b: number[]): number[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(m[r]![col]!) > Math.abs(m[pivot]![col]!)) pivot = r;
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    for (let r = col + 1; r < n; r++) {
      const f = m[r]![col]! / m[col]![col]!;
      for (let c = col; c <= n; c++) m[r]![c]! -= f * m[col]![c]!;
    }
  }
  const out = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r]![n]!;
    for (let c = r + 1; c < n; c++) s -= m[r]![c]! * out[c]!;
    out[r] = s / m[r]![r]!;
  }
  return out;
}
