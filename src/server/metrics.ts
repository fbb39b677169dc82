import cluster from "node:cluster";
import type { MiddlewareHandler } from "hono";
import { routePath } from "hono/route";
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { ask, type AskPipeline } from "../answer/ask.js";
import { scrapeEveryProcess, shareWithPrimary } from "./cluster-metrics.js";

/** Which interface asked: `/ask`, `/ask/stream`, `/v1/chat/completions` or the MCP `ask` tool. */
export type AskInterface = "ask" | "stream" | "openai" | "mcp";

/** Seconds: from a cached keyword hit (milliseconds) to a long question answered by a model (tens of seconds). */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * What `GET /metrics` shows of one server process: its requests, its answers and the index it answers
 * from. Each app has a registry of its own, so several apps in one process (tests) do not collide.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: "grounded_qa_http_requests_total",
    help: "HTTP requests answered, by method, route (as registered, not the path asked for) and status",
    labelNames: ["method", "route", "status"] as const,
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: "grounded_qa_http_request_duration_seconds",
    help: "Time until the response starts (for a stream, until its first byte), by method, route and status",
    labelNames: ["method", "route", "status"] as const,
    buckets: LATENCY_BUCKETS,
    registers: [this.registry],
  });
  private readonly answers = new Counter({
    name: "grounded_qa_answers_total",
    help: "Questions answered, by answer mode, support level (direct, related, none) and the interface that asked",
    labelNames: ["mode", "support", "interface"] as const,
    registers: [this.registry],
  });
  private readonly declines = new Counter({
    name: "grounded_qa_declines_total",
    help: "Answers saying the documents do not cover the question (not grounded), by the interface that asked",
    labelNames: ["interface"] as const,
    registers: [this.registry],
  });
  private readonly unverified = new Counter({
    name: "grounded_qa_citations_unverified_total",
    help: "Citations a model gave that verification could not match to the passages' text, and so dropped (LLM mode)",
    registers: [this.registry],
  });

  constructor(pipeline: () => AskPipeline | undefined) {
    // In a server process started by `runWorkers`, the primary asks each process for this registry.
    if (cluster.isWorker) shareWithPrimary(this.registry);
    // Read at each scrape, from whichever version of the index answers then. Several processes answer from
    // one saved index, so across them the largest figure is the one to show, not the sum.
    new Gauge({
      name: "grounded_qa_index_documents",
      help: "Documents in the index answering now (0 while the first is built)",
      aggregator: "max",
      registers: [this.registry],
      collect() {
        this.set(pipeline()?.index.documents.catalog.size ?? 0);
      },
    });
    new Gauge({
      name: "grounded_qa_index_passages",
      help: "Passages in the index answering now (0 while the first is built)",
      aggregator: "max",
      registers: [this.registry],
      collect() {
        this.set(pipeline()?.index.documents.passageCount ?? 0);
      },
    });
    new Gauge({
      name: "grounded_qa_index_info",
      help: "1 for the version of the index answering now (as /healthz names it); none while the first is built",
      labelNames: ["version"] as const,
      aggregator: "max",
      registers: [this.registry],
      collect() {
        this.reset();
        const current = pipeline();
        if (current) this.set({ version: current.index.saved.label }, 1);
      },
    });
  }

  /** Counts each request and how long it took to answer, labelled with the route it matched. */
  readonly middleware: MiddlewareHandler = async (c, next) => {
    const started = performance.now();
    await next();
    const labels = { method: c.req.method, route: routePath(c) || "unmatched", status: String(c.res.status) };
    this.requests.inc(labels);
    this.latency.observe(labels, (performance.now() - started) / 1000);
  };

  /** `ask` for `from`, counting each answer it gives by mode and support level. */
  answering(from: AskInterface): typeof ask {
    return async (pipeline, request) => {
      const response = await ask(pipeline, request);
      this.answers.inc({ mode: response.mode, support: response.support, interface: from });
      if (!response.grounded) this.declines.inc({ interface: from });
      this.unverified.inc(response.unverified?.length ?? 0);
      return response;
    };
  }

  /** The Prometheus text of a scrape: every server process's figures when several share the port, else this one's. */
  scrape(): Promise<string> {
    return cluster.isWorker ? scrapeEveryProcess() : this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
