import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AskPipeline } from "../answer/ask.js";
import type { BuildProgress } from "../progress.js";
import { readAskRequest } from "./ask-request.js";
import { ApiKeys } from "./api-keys.js";
import { clientAddress, trustedProxies } from "./client-address.js";
import { ApiError, clientErrorOf, errorBody } from "./errors.js";
import type { DocumentLibrary } from "../library.js";
import type { PageImages } from "../ingest/page-images.js";
import { documentRoutes } from "./documents.js";
import { pageRoutes } from "./pages.js";
import { ExampleQuestions } from "./example-questions.js";
import { bodyLimitOf, rateLimitOf } from "./limits.js";
import { feedbackEntry, MAX_FEEDBACK_BYTES, readFeedback, type FeedbackLog } from "./feedback.js";
import { mcpRoutes } from "./mcp.js";
import { ServiceMetrics } from "./metrics.js";
import { openAIRoutes } from "./openai/routes.js";
import { streamAnswer } from "./stream.js";
import type { ProcessReadiness } from "./workers.js";

export interface AppOptions {
  /** The pipeline once the index is loaded; undefined while it is still being built. */
  pipeline: () => AskPipeline | undefined;
  /** How far a build of the index running in the background has got; undefined when none runs. */
  building?: () => BuildProgress | undefined;
  /** Why the index's store cannot be used now (its database is unreachable); undefined while it can. */
  unavailable?: () => string | undefined;
  /** With several server processes: how many of those taking connections can answer. */
  processes?: () => ProcessReadiness | undefined;
  /** Extra facts for `/healthz`, such as whether the configured LLM answers. */
  health?: () => Record<string, unknown>;
  maxQuestionChars: number;
  rateLimitPerMinute: number;
  /** Where `POST /feedback` keeps verdicts; without it the route does not exist. */
  feedback?: FeedbackLog;
  /** Adds and deletes documents (`POST /documents`, `DELETE /documents/:id`); undefined until the index is ready. */
  library?: () => DocumentLibrary | undefined;
  /** Who may do what (API keys, ADMIN_TOKEN); without it every read is open and adding and deleting documents answer 403. */
  apiKeys?: ApiKeys;
  /** TRUST_PROXY: proxies whose X-Forwarded-For names the client. */
  trustProxy?: readonly string[];
  /** MAX_UPLOAD_BYTES: the largest `POST /documents` body. */
  maxUploadBytes?: number;
  /** The questions `GET /examples` offers, chosen as each version of the index is ready; chosen on first request without it. */
  examples?: ExampleQuestions;
  /** PUBLIC_URL: where citation links of `/v1` and `/mcp` point; the address each request came to when unset. */
  publicUrl?: string;
  /** Draws PDF pages for the page view (`/documents/:id/pages/:page/image`); without it no page is shown. */
  pageImages?: PageImages;
  /** Routes of the chat page, mounted at `/`. */
  page?: Hono;
}

const MAX_BODY_BYTES = 256 * 1024;

export function createApp(options: AppOptions): Hono {
  const app = new Hono();
  const metrics = new ServiceMetrics(options.pipeline);
  app.use(metrics.middleware);
  // Before every route, so rate limits count per key and per forwarded address.
  app.use(clientAddress(trustedProxies(options.trustProxy ?? [])));
  const apiKeys = options.apiKeys ?? ApiKeys.withoutKeys(undefined);
  app.use(apiKeys.middleware);

  const ready = (): AskPipeline => {
    const pipeline = options.pipeline();
    const unavailable = options.unavailable?.();
    if (!pipeline && unavailable) throw new ApiError(503, "store_unavailable", unavailable);
    if (!pipeline) {
      const build = options.building?.();
      const counts = build?.total !== undefined ? ` (${build.done} of ${build.total} ${build.unit} embedded)` : "";
      throw new ApiError(503, "not_ready", `the index is ${build ? "being" : "still being"} built${counts}; try again in a moment`);
    }
    return pipeline;
  };

  app.get("/healthz", (c) => {
    const pipeline = options.pipeline();
    const facts = {
      ...options.health?.(),
      documents: pipeline?.index.documents.catalog.size ?? 0,
      ...(pipeline && { index: pipeline.index.saved.label }),
      ...(pipeline && pipeline.warnings.length > 0 && { warnings: pipeline.warnings }),
    };
    const build = options.building?.();
    // A load balancer should send questions elsewhere while this server cannot reach its store.
    const unavailable = options.unavailable?.();
    if (unavailable) return c.json({ status: "unavailable", reason: unavailable, ...facts }, 503);
    // Ready only when a request may reach any process that takes connections and be answered there.
    const processes = options.processes?.();
    if (pipeline && processes && processes.ready < processes.total) return c.json({ status: "starting", processes, ...facts }, 503);
    if (pipeline) return c.json({ status: "ready", ...facts, ...(processes && { processes }), ...(build && { rebuilding: build }) });
    return build ? c.json({ status: "building", progress: build, ...facts }, 503) : c.json({ status: "loading", ...facts }, 503);
  });

  app.route(
    "/documents",
    documentRoutes({
      ready,
      library: options.library,
      writesPossible: () => apiKeys.writesPossible(),
      maxUploadBytes: options.maxUploadBytes ?? 0,
    }),
  );
  app.route("/documents", pageRoutes({ ready, library: options.library, pageImages: options.pageImages }));

  const examples = options.examples ?? new ExampleQuestions();
  app.get("/examples", async (c) => c.json({ questions: await examples.for(ready()) }));

  const limits = [bodyLimitOf(MAX_BODY_BYTES), ...rateLimitOf(options.rateLimitPerMinute, "questions")] as const;

  const answerAsk = metrics.answering("ask");
  const answerStream = metrics.answering("stream");
  app.post("/ask", ...limits, async (c) => {
    const body = await readAskRequest(c, options.maxQuestionChars);
    return c.json(await answerAsk(ready(), { question: body.question, history: body.history, signal: c.req.raw.signal }));
  });

  app.post("/ask/stream", ...limits, async (c) => {
    const body = await readAskRequest(c, options.maxQuestionChars);
    return streamAnswer(c, answerStream, ready(), body);
  });

  app.route(
    "/v1",
    openAIRoutes({
      ready,
      answer: metrics.answering("openai"),
      maxQuestionChars: options.maxQuestionChars,
      limits,
      publicUrl: options.publicUrl,
    }),
  );
  // An MCP client sends several requests per question (initialize, tools/list, ...): they count on their own.
  const mcpLimits = [bodyLimitOf(MAX_BODY_BYTES), ...rateLimitOf(options.rateLimitPerMinute, "MCP requests")];
  app.route(
    "/mcp",
    mcpRoutes({
      ready,
      answer: metrics.answering("mcp"),
      maxQuestionChars: options.maxQuestionChars,
      limits: mcpLimits,
      publicUrl: options.publicUrl,
    }),
  );

  // Prometheus text; with several server processes, every one's figures, whichever is scraped.
  app.get("/metrics", async (c) => c.body(await metrics.scrape(), 200, { "content-type": metrics.contentType }));

  const { feedback } = options;
  if (feedback) {
    app.post("/feedback", bodyLimitOf(MAX_FEEDBACK_BYTES), ...rateLimitOf(options.rateLimitPerMinute, "feedback posts"), async (c) => {
      await feedback.record(feedbackEntry(await readFeedback(c, options.maxQuestionChars)));
      return c.json({ recorded: true }, 201);
    });
  }

  if (options.page) app.route("/", options.page);

  app.notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError((error, c) => {
    const known = clientErrorOf(error);
    if (known) return c.json(errorBody(known.code, known.message), known.status);
    if (error instanceof HTTPException) return c.json(errorBody("invalid_request", error.message), error.status);
    console.error(`${c.req.method} ${c.req.path} failed:`, error);
    return c.json(errorBody("internal_error", "something went wrong on our side"), 500);
  });
  return app;
}
