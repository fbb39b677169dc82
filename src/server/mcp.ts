import { Hono, type MiddlewareHandler } from "hono";
import { McpServer, ResourceTemplate } from "@modelcontextprotocol/sdk/server/mcp.js";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import type { ask, AskPipeline } from "../answer/ask.js";
import type { AskResponse } from "../answer/types.js";
import packageJson from "../../package.json" with { type: "json" };
import { spanUrl } from "./citation-links.js";
import { clientErrorOf } from "./errors.js";

export interface McpOptions {
  ready: () => AskPipeline;
  /** `ask`, or `ask` with what the server counts of each answer. */
  answer: typeof ask;
  maxQuestionChars: number;
  /** Where citation links point: PUBLIC_URL, or where the request came to. */
  origin: string;
}

/** How a document is named as an MCP resource: its text is the resource's content. */
export const DOCUMENT_URI = "grounded-qa://documents/{id}";
const documentUri = (id: string) => DOCUMENT_URI.replace("{id}", encodeURIComponent(id));

const citationOutput = z.object({
  id: z.number().int(),
  documentId: z.string(),
  title: z.string(),
  start: z.number().int().describe("offset of the quote in the document's text, in UTF-16 code units"),
  end: z.number().int(),
  quote: z.string().describe("exactly the document's text from start to end"),
  page: z.number().int().optional(),
  heading: z.string().optional(),
  url: z.string().describe("the service's page opened at the quoted span"),
});

const askOutput = {
  answer: z.string().describe("the answer, with [n] markers naming citations"),
  grounded: z.boolean(),
  mode: z.enum(["extractive", "llm"]),
  support: z
    .enum(["direct", "related", "none"])
    .describe("direct: the quote answers the question; related: the closest the documents come; none: declined"),
  confidence: z.number().describe("the calibrated probability that the answer is right"),
  unmatched: z.array(z.string()),
  citations: z.array(citationOutput),
  standaloneQuestion: z.string().optional(),
};

/**
 * The service as an MCP server: `search` and `fetch` in the shape ChatGPT connectors and deep research
 * expect, `ask` for the whole answer with its exact citations, and each document as a resource. One server
 * per connection (stdio) or per request (stateless HTTP).
 */
export function createMcpServer(options: McpOptions): McpServer {
  const server = new McpServer(
    { name: "grounded-qa", title: "Grounded Q&A", version: packageJson.version },
    {
      instructions:
        "Answers questions from a fixed set of documents, quoting them exactly. Use ask for an answer with citations " +
        "(each quote is the document's text between start and end); search and fetch to read passages and documents yourself.",
    },
  );
  const question = z.string().trim().min(1).max(options.maxQuestionChars);

  server.registerTool(
    "search",
    {
      title: "Search the documents",
      description: "The passages that best match a query. Each result's id names a passage, for fetch.",
      inputSchema: { query: question.describe("what to look for") },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ query }) =>
      toolResult(async () => {
        const pipeline = options.ready();
        const { passages } = await pipeline.retriever.retrieve(query, pipeline.retrieveK);
        const results = passages.map((p) => ({
          id: p.id,
          title: pipeline.index.documents.catalog.get(p.documentId)?.title ?? p.documentId,
          url: spanUrl(options.origin, p.documentId, p.start, p.end),
          text: p.text,
        }));
        return jsonContent({ results });
      }),
  );

  server.registerTool(
    "fetch",
    {
      title: "Fetch a document",
      description:
        "The whole text of the document a search result's passage comes from; metadata gives the passage's offsets in it. A document id fetches that document.",
      inputSchema: { id: z.string().min(1).describe("a passage id from search, or a document id") },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ id }) =>
      toolResult(async () => {
        const { index } = options.ready();
        const passage = (await index.documents.passages([id])).get(id);
        const doc = await index.documents.read(passage?.documentId ?? id);
        if (!doc) throw new ToolInputError(`no passage or document with id "${id}"`);
        const [start, end] = passage ? [passage.start, passage.end] : [0, doc.text.length];
        return jsonContent({
          id,
          title: doc.title,
          text: doc.text,
          url: spanUrl(options.origin, doc.id, start, end),
          metadata: { documentId: doc.id, path: doc.path, format: doc.format, start, end, ...(passage && { heading: passage.heading }) },
        });
      }),
  );

  server.registerTool(
    "ask",
    {
      title: "Ask the documents",
      description:
        "Answers a question from the documents only, each claim marked [n] and quoted exactly in citations[n]; " +
        "says the documents do not cover it (grounded: false) rather than guess.",
      inputSchema: {
        question: question.describe("the question"),
        history: z
          .array(z.object({ role: z.enum(["user", "assistant"]), content: z.string().max(20_000) }))
          .max(50)
          .optional()
          .describe("earlier turns of the conversation, oldest first, for a follow-up question"),
      },
      outputSchema: askOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    ({ question, history }) =>
      toolResult(async () => {
        const response = await options.answer(options.ready(), { question, history });
        const structured = askResultOf(response, options.origin);
        return { ...jsonContent(structured), structuredContent: structured };
      }),
  );

  server.registerResource(
    "document",
    new ResourceTemplate(DOCUMENT_URI, {
      list: () => ({
        resources: [...options.ready().index.documents.catalog.values()].map((doc) => ({
          uri: documentUri(doc.id),
          name: doc.id,
          title: doc.title,
          mimeType: "text/plain",
          description: doc.path,
        })),
      }),
    }),
    {
      title: "A document",
      description: "A document's text, exactly as GET /documents/:id gives it; citation offsets index it.",
      mimeType: "text/plain",
    },
    async (uri, { id }) => {
      const documentId = decodeURIComponent(String(id));
      const doc = await options.ready().index.documents.read(documentId);
      if (!doc) throw new Error(`no document with id "${documentId}"`);
      return { contents: [{ uri: uri.href, mimeType: "text/plain", text: doc.text }] };
    },
  );
  return server;
}

/** `ask`'s structured result: what `askOutput` declares, nothing more (clients check it against the schema). */
export function askResultOf(response: AskResponse, origin: string): z.infer<z.ZodObject<typeof askOutput>> {
  return {
    answer: response.answer,
    grounded: response.grounded,
    mode: response.mode,
    support: response.support,
    confidence: response.confidence,
    unmatched: response.unmatched,
    citations: response.citations.map((c) => ({
      id: c.id,
      documentId: c.documentId,
      title: c.title,
      start: c.start,
      end: c.end,
      quote: c.quote,
      ...(c.page !== undefined && { page: c.page }),
      ...(c.heading !== undefined && { heading: c.heading }),
      url: spanUrl(origin, c.documentId, c.start, c.end),
    })),
    ...(response.standaloneQuestion !== undefined && { standaloneQuestion: response.standaloneQuestion }),
  };
}

/** A tool's own complaint about its arguments: shown to the caller as it is. */
class ToolInputError extends Error {}

/**
 * A tool's result, or `isError: true` with a message the caller may read: the service's client errors (the
 * index still building, the store unreachable) and bad arguments say what they are; anything else is logged
 * and reported without its details.
 */
async function toolResult(work: () => Promise<CallToolResult>): Promise<CallToolResult> {
  try {
    return await work();
  } catch (error) {
    const known = clientErrorOf(error);
    const message = known ? known.message : error instanceof ToolInputError ? error.message : undefined;
    if (message === undefined) console.error("MCP tool failed:", error);
    return { content: [{ type: "text", text: message ?? "something went wrong on our side" }], isError: true };
  }
}

function jsonContent(value: unknown): CallToolResult {
  return { content: [{ type: "text", text: JSON.stringify(value) }] };
}

/**
 * `/mcp`: Streamable HTTP, stateless. Each POST gets a server and transport of its own, answered as JSON;
 * with no session there is no stream for GET to open, so GET and DELETE answer 405, as the SDK's stateless
 * example does.
 */
export function mcpRoutes(options: Omit<McpOptions, "origin"> & { publicUrl?: string; limits: readonly MiddlewareHandler[] }): Hono {
  const app = new Hono();
  for (const limit of options.limits) app.use("/", limit);
  app.post("/", async (c) => {
    const server = createMcpServer({ ...options, origin: options.publicUrl ?? new URL(c.req.url).origin });
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      await server.close();
    }
  });
  app.on(["GET", "DELETE"], "/", (c) =>
    c.json(
      {
        jsonrpc: "2.0",
        error: { code: -32000, message: "Method not allowed: this MCP server is stateless; POST requests to /mcp" },
        id: null,
      },
      405,
      { allow: "POST" },
    ),
  );
  return app;
}
