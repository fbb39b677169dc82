import { percentile } from "../eval/metrics.js";

/** `concurrency` clients asking `questions` in turn, back to back, for `seconds`. */
export async function askUnderLoad(url: string, questions: string[], concurrency: number, seconds: number) {
  const latencies: number[] = [];
  let failed = 0;
  let next = 0;
  const until = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const question = questions[next++ % questions.length]!;
        const sent = performance.now();
        try {
          const response = await fetch(`${url}/ask`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ question }),
          });
          await response.arrayBuffer();
          if (!response.ok) failed++;
        } catch {
          failed++;
        }
        latencies.push(performance.now() - sent);
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  return {
    perSecond: latencies.length / elapsed,
    p50: percentile(latencies, 50),
    p95: percentile(latencies, 95),
    p99: percentile(latencies, 99),
    failed,
  };
}
