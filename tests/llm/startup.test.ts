import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, afterEach, beforeAll, describe, expect, inject, it, vi } from "vitest";
import { checkLlm, watchLlm } from "../../src/llm/availability.js";
import { createApp } from "../../src/server/app.js";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai.js";
import { testConfig } from "../support/pipeline.js";

let fake: FakeOpenAI;
const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
const log = vi.spyOn(console, "log").mockImplementation(() => {});

beforeAll(async () => {
  fake = await startFakeOpenAI();
});
afterAll(() => fake.close());
afterEach(() => {
  fake.models = { ids: ["gpt-4o-mini"] };
  warn.mockClear();
  log.mockClear();
});

const llmConfig = (overrides: Record<string, string> = {}) =>
  testConfig({ LLM_PROVIDER: "openai", OPENAI_BASE_URL: fake.url, OPENAI_API_KEY: "test", LLM_TIMEOUT_MS: "2000", ...overrides });

describe("the LLM check at start", () => {
  it("reports a refused key on /healthz and in one warning line", async () => {
    fake.models = { status: 401, message: "Incorrect API key provided: te**st" };
    const llm = watchLlm(llmConfig());
    expect(llm.status()).toMatchObject({ provider: "openai", available: null });
    await llm.checked;

    const app = createApp({
      pipeline: () => undefined,
      health: () => ({ llm: llm.status() }),
      maxQuestionChars: 100,
      rateLimitPerMinute: 0,
    });
    const body = await (await app.request("/healthz")).json();
    expect(body.llm).toEqual({
      provider: "openai",
      model: "gpt-4o-mini",
      baseURL: fake.url,
      available: false,
      reason: "the model server refused the API key (HTTP 401): Incorrect API key provided: te**st",
    });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]![0])).toMatch(/NOT available.*HTTP 401/);
  });

  it("finds a server that answers and lists the model available, and warns about a model it does not list", async () => {
    expect(await checkLlm(llmConfig())).toMatchObject({ available: true });
    expect(await checkLlm(llmConfig())).not.toHaveProperty("warning");
    fake.models = { ids: ["llama3.2:latest", "qwen2.5:7b"] };
    expect(await checkLlm(llmConfig({ LLM_MODEL: "llama3.2" }))).toEqual(expect.objectContaining({ available: true }));
    expect(await checkLlm(llmConfig({ LLM_MODEL: "llama3.2" }))).not.toHaveProperty("warning");
    expect(await checkLlm(llmConfig({ LLM_MODEL: "mistral" }))).toMatchObject({
      available: true,
      warning: 'the server does not list model "mistral" (it lists llama3.2:latest, qwen2.5:7b)',
    });
  });

  it("reports an unreachable server and does nothing without an LLM", async () => {
    const gone = await startFakeOpenAI();
    await gone.close();
    expect(await checkLlm(llmConfig({ OPENAI_BASE_URL: gone.url }))).toMatchObject({
      available: false,
      reason: "could not connect to the model server (ECONNREFUSED)",
    });
    expect(await checkLlm(testConfig())).toEqual({ provider: "none" });
  });
});

describe("npm start with a bad key", () => {
  let child: ChildProcess | undefined;
  afterAll(async () => {
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((done) => child!.once("exit", done));
    child.kill("SIGTERM");
    await exited;
  });

  it("starts, says the LLM is not available, and shows it on /healthz", async () => {
    fake.models = { status: 401, message: "Incorrect API key provided: ba**ey" };
    child = spawn(process.execPath, ["--import", "tsx", "src/cli/serve.ts"], {
      env: {
        PATH: process.env.PATH,
        PORT: "0",
        WORKERS: "1",
        DATA_DIR: inject("articleDataDir"),
        LLM_PROVIDER: "openai",
        OPENAI_BASE_URL: fake.url,
        OPENAI_API_KEY: "bad-key",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout!.on("data", (data: Buffer) => (output += data.toString()));
    child.stderr!.on("data", (data: Buffer) => (output += data.toString()));

    await vi.waitFor(() => expect(output).toMatch(/Listening on http:\/\/127\.0\.0\.1:\d+/), { timeout: 30_000, interval: 100 });
    const url = /Listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    const health = await vi.waitFor(
      async () => {
        const res = await fetch(`${url}/healthz`);
        const body = await res.json();
        expect(body).toMatchObject({ status: "ready", llm: { available: false } });
        return body;
      },
      { timeout: 30_000, interval: 200 },
    );
    expect(health.llm).toEqual({
      provider: "openai",
      model: "gpt-4o-mini",
      baseURL: fake.url,
      available: false,
      reason: "the model server refused the API key (HTTP 401): Incorrect API key provided: ba**ey",
    });
    expect(output).toContain(`LLM gpt-4o-mini at ${fake.url} is NOT available: the model server refused the API key (HTTP 401)`);
  });
});
