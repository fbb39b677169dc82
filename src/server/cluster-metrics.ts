import cluster from "node:cluster";
import { AggregatorRegistry, type Registry } from "prom-client";

/**
 * Several server processes share one port (`WORKERS`), so a scrape reaches one of them: it asks the primary,
 * which gathers every process's registry with prom-client's AggregatorRegistry (counters and histograms
 * summed, gauges as each declares) and sends the text back.
 */
type ScrapeRequest = { type: "metrics-scrape"; id: number };
type ScrapeReply = { type: "metrics-scraped"; id: number; text?: string; error?: string };

/** A scrape the primary has not answered by then fails, rather than hold the request. */
const SCRAPE_TIMEOUT_MS = 5000;

/** In the primary: answers each server process's scrape with every process's figures. Harmless with none. */
export function relayClusterMetrics(): void {
  const aggregator = new AggregatorRegistry();
  cluster.on("message", (worker, message: ScrapeRequest) => {
    if (message?.type !== "metrics-scrape") return;
    const reply = (body: Omit<ScrapeReply, "type" | "id">) =>
      worker.isConnected() && worker.send({ type: "metrics-scraped", id: message.id, ...body } satisfies ScrapeReply);
    aggregator.clusterMetrics().then(
      (text) => reply({ text }),
      (error: Error) => reply({ error: error.message }),
    );
  });
}

/** In a server process: the registry whose figures it gives when the primary gathers them. */
export function shareWithPrimary(registry: Registry): void {
  // Constructing one makes prom-client answer the primary's requests in this process.
  new AggregatorRegistry();
  AggregatorRegistry.setRegistries([registry]);
}

let scrapes = 0;

/** In a server process: every process's figures, as the primary gathers them. */
export function scrapeEveryProcess(): Promise<string> {
  const id = ++scrapes;
  return new Promise((resolve, reject) => {
    const done = (message: ScrapeReply) => {
      if (message?.type !== "metrics-scraped" || message.id !== id) return;
      clearTimeout(timer);
      process.off("message", done);
      if (message.text !== undefined) resolve(message.text);
      else reject(new Error(`the primary could not gather the metrics: ${message.error}`));
    };
    const timer = setTimeout(() => {
      process.off("message", done);
      reject(new Error("the primary did not send the metrics in time"));
    }, SCRAPE_TIMEOUT_MS);
    process.on("message", done);
    process.send!({ type: "metrics-scrape", id } satisfies ScrapeRequest);
  });
}
