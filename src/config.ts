import { existsSync } from "node:fs";
import { isIP } from "node:net";
import { availableParallelism } from "node:os";
import { resolve } from "node:path";
import { z } from "zod";
import type { ReadingLimits } from "./ingest/limits.js";
import { languageModelPath } from "./ingest/ocr-languages.js";

/**
 * Every setting of the service, read once from the environment (and `.env` if present),
 * validated and typed. Nothing else in the code reads `process.env`.
 */
const number = (fallback: number) => z.coerce.number().finite().default(fallback);
const blankAsUnset = (value: unknown) => (value === "" ? undefined : value);

/** An IPv4 or IPv6 address, or a CIDR range of either (`10.0.0.0/8`, `fd00::/8`). */
function isAddressOrRange(entry: string): boolean {
  const [address, prefix, ...rest] = entry.split("/");
  const family = isIP(address ?? "");
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

const schema = z
  .object({
    PORT: z.preprocess(blankAsUnset, z.coerce.number().int().min(0).max(65535).default(3000)),
    HOST: z.preprocess(blankAsUnset, z.string().default("127.0.0.1")),
    PUBLIC_URL: z.preprocess(blankAsUnset, z.url().optional()),
    CORPUS_DIR: z.preprocess(blankAsUnset, z.string().default("corpus")),
    DATA_DIR: z.preprocess(blankAsUnset, z.string().default("data")),
    CACHE_DIR: z.preprocess(blankAsUnset, z.string().default("node_modules/.cache/grounded-qa")),
    EMBEDDINGS_PROVIDER: z.preprocess(blankAsUnset, z.enum(["local", "openai"]).default("local")),
    EMBEDDINGS_MODEL: z.preprocess(blankAsUnset, z.string().default("text-embedding-3-small")),
    OPENAI_API_KEY: z.preprocess(blankAsUnset, z.string().optional()),
    OPENAI_BASE_URL: z.preprocess(blankAsUnset, z.url().optional()),
    LLM_PROVIDER: z.preprocess(blankAsUnset, z.enum(["none", "openai"]).optional()),
    LLM_MODEL: z.preprocess(blankAsUnset, z.string().default("gpt-4o-mini")),
    LLM_TEMPERATURE: z.preprocess(blankAsUnset, number(0).pipe(z.number().min(0).max(2))),
    LLM_TIMEOUT_MS: z.preprocess(blankAsUnset, number(20000).pipe(z.number().int().positive())),
    LLM_MAX_RETRIES: z.preprocess(blankAsUnset, number(1).pipe(z.number().int().min(0).max(10))),
    LLM_MAX_TOKENS: z.preprocess(blankAsUnset, number(1024).pipe(z.number().int().min(64))),
    PROMPTS_DIR: z.preprocess(blankAsUnset, z.string().default("prompts")),
    RETRIEVE_K: z.preprocess(blankAsUnset, number(8).pipe(z.number().int().min(1).max(50))),
    EMBED_THREADS: z.preprocess(blankAsUnset, number(availableParallelism()).pipe(z.number().int().min(1).max(64))),
    EMBED_REQUESTS: z.preprocess(blankAsUnset, number(4).pipe(z.number().int().min(1).max(64))),
    CHUNK_MAX_CHARS: z.preprocess(blankAsUnset, number(1200).pipe(z.number().int().min(200))),
    ANSWER_SCORER: z.preprocess(blankAsUnset, z.string().default("models/answer-scorer.json")),
    ANSWER_MIN_CONFIDENCE: z.preprocess(blankAsUnset, z.coerce.number().min(0).max(1).optional()),
    ANSWER_DIRECT_CONFIDENCE: z.preprocess(blankAsUnset, z.coerce.number().min(0).max(1).optional()),
    MAX_QUESTION_CHARS: z.preprocess(blankAsUnset, number(2000).pipe(z.number().int().positive())),
    RATE_LIMIT_PER_MINUTE: z.preprocess(blankAsUnset, number(120).pipe(z.number().int().min(0))),
    WORKERS: z.preprocess(blankAsUnset, number(availableParallelism()).pipe(z.number().int().min(1).max(64))),
    TRUST_PROXY: z.preprocess(
      blankAsUnset,
      z
        .string()
        .transform((list) =>
          list
            .split(",")
            .map((entry) => entry.trim())
            .filter((entry) => entry !== ""),
        )
        .refine(
          (entries) => entries.every(isAddressOrRange),
          "must be a comma-separated list of IP addresses or CIDR ranges, such as 10.0.0.0/8,::1",
        )
        .default([]),
    ),
    ADMIN_TOKEN: z.preprocess(
      blankAsUnset,
      z.string().min(16, "must be at least 16 characters (it guards adding and deleting documents)").optional(),
    ),
    MAX_UPLOAD_BYTES: z.preprocess(blankAsUnset, number(25 * 1024 * 1024).pipe(z.number().int().positive())),
    MAX_DOCUMENT_CHARS: z.preprocess(blankAsUnset, number(5_000_000).pipe(z.number().int().positive())),
    MAX_UNPACKED_BYTES: z.preprocess(blankAsUnset, number(20 * 1024 * 1024).pipe(z.number().int().positive())),
    READ_TIMEOUT_MS: z.preprocess(blankAsUnset, number(60_000).pipe(z.number().int().positive())),
    READ_MEMORY_MB: z.preprocess(blankAsUnset, number(1024).pipe(z.number().int().min(64))),
    OCR: z.preprocess(blankAsUnset, z.enum(["on", "off"]).default("on")),
    OCR_LANGUAGES: z.preprocess(
      blankAsUnset,
      z
        .string()
        .default("eng")
        .transform((list) => [...new Set(list.split(/[+,\s]+/).filter((code) => code !== ""))])
        .refine((codes) => codes.length > 0, "must name at least one language, such as eng")
        .superRefine((codes, context) => {
          for (const code of codes) {
            if (!/^[a-z_]+$/.test(code))
              context.addIssue({ code: "custom", message: `${code} is not a tesseract language code (eng, deu, chi_sim)` });
            else if (!languageModelPath(code)) {
              context.addIssue({
                code: "custom",
                message: `the language ${code} is not installed: npm install @tesseract.js-data/${code}`,
              });
            }
          }
        }),
    ),
    OCR_MAX_PAGES: z.preprocess(blankAsUnset, number(100).pipe(z.number().int().positive())),
    VECTOR_STORE: z.preprocess(blankAsUnset, z.enum(["hnsw", "pgvector"]).default("hnsw")),
    DATABASE_URL: z.preprocess(
      blankAsUnset,
      z
        .string()
        .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// or postgresql:// URL, such as postgres://user:password@host:5432/database")
        .optional(),
    ),
  })
  .refine((s) => s.VECTOR_STORE !== "pgvector" || s.DATABASE_URL !== undefined, {
    path: ["DATABASE_URL"],
    message: "VECTOR_STORE=pgvector needs DATABASE_URL, the Postgres database (with pgvector) to keep the index in",
  });

export interface Config {
  port: number;
  host: string;
  /** Where people open this service (scheme, host, port, no trailing slash); citation links start with it. */
  publicUrl?: string;
  corpusDir: string;
  dataDir: string;
  /** Derived files that do not depend on the corpus (the converted word vectors). */
  cacheDir: string;
  embeddings: { provider: "local" | "openai"; model: string };
  openai: { apiKey?: string; baseURL?: string };
  llm: {
    provider: "none" | "openai";
    model: string;
    temperature: number;
    /** Per attempt, the wait for the model server to answer; then the longest pause between streamed pieces. */
    timeoutMs: number;
    maxRetries: number;
    /** Caps a reply so a model that loops cannot stream forever. */
    maxTokens: number;
    promptsDir: string;
  };
  /** Worker threads that embed a build's texts with the local encoder, each on a core of its own. */
  embedThreads: number;
  /** Requests a build has in flight at once to an OpenAI-compatible embedding model. */
  embedRequests: number;
  retrieveK: number;
  chunkMaxChars: number;
  /** The learned scorer of the extractive answerer, as `npm run train` writes it. */
  answerScorer: string;
  /** Overrides the scorer's decline threshold (a probability) when set. */
  answerMinConfidence?: number;
  /** Overrides the scorer's threshold (a probability) at which a grounded answer is `direct` rather than `related`. */
  answerDirectConfidence?: number;
  maxQuestionChars: number;
  rateLimitPerMinute: number;
  /** Proxies (addresses, CIDR ranges) whose X-Forwarded-For names the client; empty: the socket's peer is the client. */
  trustProxy: string[];
  /** Server processes sharing the port (node:cluster), each answering from the same saved index. */
  workers: number;
  /** A bearer token that counts as a write key (`POST /documents`, `DELETE /documents/:id`); with neither it nor a write key, those are turned off. */
  adminToken?: string;
  /** The largest upload request, in bytes. */
  maxUploadBytes: number;
  /** What reading one file (an upload, or a corpus file at start) may take before it is refused. */
  reading: ReadingLimits;
  /** Where the index is kept: files under DATA_DIR (the default), or a Postgres database with pgvector shared by several servers. */
  store: { kind: "hnsw" } | { kind: "pgvector"; databaseUrl: string };
}

export class ConfigError extends Error {}

export function loadConfig(env: Record<string, string | undefined> = readEnvironment()): Config {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`Invalid settings: ${problems.join("; ")}`);
  }
  const s = parsed.data;
  const llmProvider = s.LLM_PROVIDER ?? (s.OPENAI_API_KEY || s.OPENAI_BASE_URL ? "openai" : "none");
  return {
    port: s.PORT,
    host: s.HOST,
    publicUrl: s.PUBLIC_URL?.replace(/\/+$/, ""),
    corpusDir: resolve(s.CORPUS_DIR),
    dataDir: resolve(s.DATA_DIR),
    cacheDir: resolve(s.CACHE_DIR),
    embeddings: {
      provider: s.EMBEDDINGS_PROVIDER,
      model: s.EMBEDDINGS_PROVIDER === "local" ? "universal-sentence-encoder-lite" : s.EMBEDDINGS_MODEL,
    },
    openai: { apiKey: s.OPENAI_API_KEY, baseURL: s.OPENAI_BASE_URL },
    llm: {
      provider: llmProvider,
      model: s.LLM_MODEL,
      temperature: s.LLM_TEMPERATURE,
      timeoutMs: s.LLM_TIMEOUT_MS,
      maxRetries: s.LLM_MAX_RETRIES,
      maxTokens: s.LLM_MAX_TOKENS,
      promptsDir: resolve(s.PROMPTS_DIR),
    },
    embedThreads: s.EMBED_THREADS,
    embedRequests: s.EMBED_REQUESTS,
    retrieveK: s.RETRIEVE_K,
    chunkMaxChars: s.CHUNK_MAX_CHARS,
    answerScorer: resolve(s.ANSWER_SCORER),
    answerMinConfidence: s.ANSWER_MIN_CONFIDENCE,
    answerDirectConfidence: s.ANSWER_DIRECT_CONFIDENCE,
    maxQuestionChars: s.MAX_QUESTION_CHARS,
    rateLimitPerMinute: s.RATE_LIMIT_PER_MINUTE,
    trustProxy: s.TRUST_PROXY,
    workers: s.WORKERS,
    adminToken: s.ADMIN_TOKEN,
    maxUploadBytes: s.MAX_UPLOAD_BYTES,
    reading: {
      maxDocumentChars: s.MAX_DOCUMENT_CHARS,
      maxUnpackedBytes: s.MAX_UNPACKED_BYTES,
      timeoutMs: s.READ_TIMEOUT_MS,
      memoryMb: s.READ_MEMORY_MB,
      ocr: s.OCR === "on" ? { languages: s.OCR_LANGUAGES, maxPages: s.OCR_MAX_PAGES } : undefined,
    },
    store: s.VECTOR_STORE === "pgvector" ? { kind: "pgvector", databaseUrl: s.DATABASE_URL! } : { kind: "hnsw" },
  };
}

/** The reading limits when no setting changes them: for tools and tests that read a corpus without a Config. */
export const DEFAULT_READING_LIMITS: ReadingLimits = loadConfig({}).reading;

/** The process environment, with `.env` from the working directory loaded first if it exists. */
function readEnvironment(): Record<string, string | undefined> {
  if (existsSync(".env")) process.loadEnvFile(".env");
  return process.env;
}
