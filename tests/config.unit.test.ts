import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../src/config.js";
import { createEmbeddings } from "../src/embeddings/index.js";
import { settingNames } from "./support/setting-names.js";

describe("settings", () => {
  it("have working defaults with nothing set: offline, local embeddings, no LLM", () => {
    const config = loadConfig({});
    expect(config.port).toBe(3000);
    expect(config.embeddings).toEqual({ provider: "local", model: "universal-sentence-encoder-lite" });
    expect(config.llm.provider).toBe("none");
    expect(config.maxQuestionChars).toBe(2000);
  });

  it("turn on the LLM when a key or base URL is given, unless told not to", () => {
    expect(loadConfig({ OPENAI_API_KEY: "sk-x" }).llm.provider).toBe("openai");
    expect(loadConfig({ OPENAI_BASE_URL: "http://127.0.0.1:11434/v1" }).llm.provider).toBe("openai");
    expect(loadConfig({ OPENAI_API_KEY: "sk-x", LLM_PROVIDER: "none" }).llm.provider).toBe("none");
  });

  it("reject a bad value with a message that names the setting", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(ConfigError);
    expect(() => loadConfig({ EMBEDDINGS_PROVIDER: "magic" })).toThrow(/EMBEDDINGS_PROVIDER/);
    expect(() => loadConfig({ OPENAI_BASE_URL: "not a url" })).toThrow(/OPENAI_BASE_URL/);
    expect(() => loadConfig({ WORKERS: "0" })).toThrow(/WORKERS/);
    expect(() => loadConfig({ MAX_UPLOAD_BYTES: "-1" })).toThrow(/MAX_UPLOAD_BYTES/);
    expect(() => loadConfig({ EMBED_REQUESTS: "0" })).toThrow(/EMBED_REQUESTS/);
  });

  it("have a build send EMBED_REQUESTS requests at once to an OpenAI-compatible embedding model, 4 unless told", () => {
    const hosted = { EMBEDDINGS_PROVIDER: "openai", OPENAI_BASE_URL: "http://127.0.0.1:9/v1" };
    expect(createEmbeddings(loadConfig(hosted)).openBulk(10_000).concurrency).toBe(4);
    expect(createEmbeddings(loadConfig({ ...hosted, EMBED_REQUESTS: "8" })).openBulk(10_000).concurrency).toBe(8);
  });

  it("keep the index in files unless told to use a Postgres database, which then needs its URL", () => {
    expect(loadConfig({}).store).toEqual({ kind: "hnsw" });
    const url = "postgres://qa:secret@db.example.com:5432/qa?sslmode=require";
    expect(loadConfig({ VECTOR_STORE: "pgvector", DATABASE_URL: url }).store).toEqual({ kind: "pgvector", databaseUrl: url });
    expect(() => loadConfig({ VECTOR_STORE: "pgvector" })).toThrow(/DATABASE_URL: VECTOR_STORE=pgvector needs DATABASE_URL/);
    expect(() => loadConfig({ VECTOR_STORE: "pgvector", DATABASE_URL: "mysql://db/qa" })).toThrow(/DATABASE_URL: must be a postgres:\/\//);
    expect(() => loadConfig({ VECTOR_STORE: "chroma" })).toThrow(/VECTOR_STORE/);
  });

  it("turn writes on only with an admin token long enough to guard them", () => {
    expect(loadConfig({}).adminToken).toBeUndefined();
    expect(loadConfig({ ADMIN_TOKEN: "" }).adminToken).toBeUndefined();
    expect(() => loadConfig({ ADMIN_TOKEN: "secret" })).toThrow(/ADMIN_TOKEN: must be at least 16 characters/);
    expect(loadConfig({ ADMIN_TOKEN: "a-token-of-20-chars!" }).adminToken).toBe("a-token-of-20-chars!");
  });

  it("read scans by OCR in English unless told otherwise, and only in languages that are installed", () => {
    expect(loadConfig({}).reading.ocr).toEqual({ languages: ["eng"], maxPages: 100 });
    expect(loadConfig({ OCR: "off" }).reading.ocr).toBeUndefined();
    expect(loadConfig({ OCR_LANGUAGES: "eng+eng", OCR_MAX_PAGES: "5" }).reading.ocr).toEqual({ languages: ["eng"], maxPages: 5 });
    expect(() => loadConfig({ OCR_LANGUAGES: "eng+fra" })).toThrow(
      /OCR_LANGUAGES: the language fra is not installed: npm install @tesseract\.js-data\/fra/,
    );
    expect(() => loadConfig({ OCR_LANGUAGES: "../x" })).toThrow(/OCR_LANGUAGES: \.\.\/x is not a tesseract language code/);
    expect(() => loadConfig({ OCR: "maybe" })).toThrow(/OCR/);
  });

  it("are all listed in .env.example, and .env.example loads as they are", async () => {
    const example = await readFile(".env.example", "utf8");
    const names = await settingNames();
    expect(names.length).toBeGreaterThan(10);
    for (const name of names) expect(example, name).toMatch(new RegExp(`^${name}=`, "m"));
    const values = Object.fromEntries(
      example
        .split("\n")
        .filter((l) => /^[A-Z_]+=/.test(l))
        .map((l) => l.split(/=(.*)/).slice(0, 2) as [string, string]),
    );
    expect(loadConfig(values)).toEqual(loadConfig({}));
  });
});
