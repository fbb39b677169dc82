import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult, TextContent } from "@modelcontextprotocol/sdk/types.js";
import type { AskPipeline } from "../src/answer/ask.js";
import type { AskResponse } from "../src/answer/types.js";
import { createApp } from "../src/server/app.js";
import type { GroundedCompletion } from "../src/server/openai/completion.js";
import { openArticlePipeline } from "./support/pipeline.js";
import { startServer, type RunningServer } from "./support/server.js";

const QUESTION = "How many people were killed in the Moscow attack?";

let pipeline: AskPipeline | undefined;
let server: RunningServer;
let client: Client;

beforeAll(async () => {
  const opened = await openArticlePipeline();
  pipeline = opened;
  server = await startServer(createApp({ pipeline: () => pipeline, maxQuestionChars: 2000, rateLimitPerMinute: 0 }));
  client = new Client({ name: "test", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(`${server.url}/mcp`)));
});
afterAll(async () => {
  await client?.close();
  await server?.close();
});

const textOf = (result: CallToolResult) => (result.content[0] as TextContent).text;
const call = async (name: string, args: Record<string, unknown>, on = client) =>
  (await on.callTool({ name, arguments: args })) as CallToolResult;
const documentText = async (id: string) => ((await (await fetch(`${server.url}/documents/${id}`)).json()) as { text: string }).text;

interface AskResult {
  answer: string;
  grounded: boolean;
  support: string;
  confidence: number;
  citations: { id: number; documentId: string; start: number; end: number; quote: string; url: string }[];
}

describe("the MCP server at /mcp", () => {
  it("lists search, fetch and ask, with ask's output schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(["ask", "fetch", "search"]);
    expect(tools.find((t) => t.name === "ask")!.outputSchema?.properties).toHaveProperty("citations");
  });

  it("searches passages and fetches the document a result comes from, at its offsets", async () => {
    const found = await call("search", { query: "Moscow attack" });
    expect(found.isError).toBeFalsy();
    const { results } = JSON.parse(textOf(found)) as { results: { id: string; title: string; url: string; text: string }[] };
    expect(results.length).toBeGreaterThan(0);
    expect(results[0]).toEqual({
      id: expect.stringMatching(/:\d+$/),
      title: expect.any(String),
      url: expect.stringContaining(`${server.url}/?doc=`),
      text: expect.any(String),
    });

    const fetched = JSON.parse(textOf(await call("fetch", { id: results[0]!.id }))) as {
      id: string;
      text: string;
      url: string;
      metadata: { documentId: string; start: number; end: number };
    };
    expect(fetched.id).toBe(results[0]!.id);
    expect(fetched.text).toBe(await documentText(fetched.metadata.documentId));
    expect(fetched.text.slice(fetched.metadata.start, fetched.metadata.end)).toBe(results[0]!.text);
    expect(fetched.url).toBe(results[0]!.url);
  });

  it("gives the same answer and exact citations as /ask and /v1/chat/completions", async () => {
    const result = await call("ask", { question: QUESTION });
    expect(result.isError).toBeFalsy();
    const structured = result.structuredContent as unknown as AskResult;
    expect(JSON.parse(textOf(result))).toEqual(structured);

    const post = (path: string, body: unknown) =>
      fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) }).then(
        (r) => r.json(),
      );
    const asked = (await post("/ask", { question: QUESTION })) as AskResponse;
    const completion = (await post("/v1/chat/completions", {
      model: "grounded-qa",
      messages: [{ role: "user", content: QUESTION }],
    })) as GroundedCompletion;

    expect(structured.answer).toContain("137");
    expect(structured.answer).toBe(asked.answer);
    expect(completion.choices[0]!.message.content).toBe(asked.answer);
    const spans = (citations: { id: number; documentId: string; start: number; end: number; quote: string }[]) =>
      citations.map(({ id, documentId, start, end, quote }) => ({ id, documentId, start, end, quote }));
    expect(spans(structured.citations)).toEqual(spans(asked.citations));
    expect(spans(completion.choices[0]!.message.citations)).toEqual(spans(asked.citations));
    expect([structured.support, structured.confidence]).toEqual([asked.support, asked.confidence]);
    for (const c of structured.citations) expect((await documentText(c.documentId)).slice(c.start, c.end)).toBe(c.quote);
  });

  it("lists each document as a resource whose text is GET /documents/:id's", async () => {
    const { resources } = await client.listResources();
    const listed = (await (await fetch(`${server.url}/documents`)).json()) as { documents: { id: string }[] };
    expect(resources.map((r) => r.name)).toEqual(listed.documents.map((d) => d.id));
    for (const resource of resources) {
      const { contents } = await client.readResource({ uri: resource.uri });
      expect((contents[0] as { text: string }).text).toBe(await documentText(resource.name));
    }
  });

  it("answers bad arguments and an index still building with isError, and keeps serving", async () => {
    const empty = await call("search", { query: "" });
    expect(empty.isError).toBe(true);
    const unknown = await call("fetch", { id: "no-such-passage:1" });
    expect(unknown.isError).toBe(true);
    expect(textOf(unknown)).toMatch(/no passage or document/);

    const held = pipeline;
    pipeline = undefined;
    try {
      const building = await call("ask", { question: QUESTION });
      expect(building.isError).toBe(true);
      expect(textOf(building)).toMatch(/being built/);
    } finally {
      pipeline = held;
    }
    expect((await call("ask", { question: QUESTION })).isError).toBeFalsy();
  });
});

describe("npm run mcp, over stdio", () => {
  it("answers ask with exact citations once the index is open", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", "tsx", "src/cli/mcp.ts"],
      env: { PATH: process.env.PATH!, DATA_DIR: inject("articleDataDir"), LLM_PROVIDER: "none" },
      stderr: "pipe",
    });
    let stderr = "";
    transport.stderr?.on("data", (data: Buffer) => (stderr += data.toString()));
    const stdio = new Client({ name: "test", version: "1.0.0" });
    await stdio.connect(transport);
    try {
      let result: CallToolResult;
      // The server answers at once; until its index is open, tools say so.
      for (;;) {
        result = await call("ask", { question: QUESTION }, stdio);
        if (!result.isError) break;
        expect(textOf(result), stderr).toMatch(/being built/);
        await new Promise((done) => setTimeout(done, 500));
      }
      const structured = result.structuredContent as unknown as AskResult;
      expect(structured.answer).toContain("137");
      for (const c of structured.citations) expect((await documentText(c.documentId)).slice(c.start, c.end)).toBe(c.quote);
      expect(structured.citations[0]!.url).toMatch(/^http:\/\/127\.0\.0\.1:3000\/\?doc=/);
      const { resources } = await stdio.listResources();
      expect(resources.length).toBe(pipeline!.index.documents.catalog.size);
    } finally {
      await stdio.close();
    }
  });
});
