import fc from "fast-check";

/**
 * Generated bad requests against every route of a running server, and what must hold of each answer:
 * no 500, no stack trace, the one error shape, and the documents unchanged by a refused request. Used by
 * `tests/fuzz.test.ts` (a bounded, seeded run) and `npm run bench:fuzz` (a large one).
 */

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string | FormData;
}

export interface FuzzReport {
  requests: number;
  byStatus: Record<number, number>;
  /** Each broken invariant, with the request that broke it. */
  failures: string[];
}

/** Every route with its method; most requests go to one of these, the rest anywhere with any method. */
const ROUTES: [string, string][] = [
  ["POST", "/ask"],
  ["POST", "/ask/stream"],
  ["POST", "/documents"],
  ["GET", "/documents"],
  ["GET", "/documents/lighthouse"],
  ["DELETE", "/documents/lighthouse"],
  ["POST", "/feedback"],
  ["GET", "/examples"],
  ["GET", "/healthz"],
  ["GET", "/"],
];
const METHODS = ["GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS"];
/** Text that has broken parsers elsewhere: NUL, lone surrogates, right-to-left marks, long runs, paths. */
const NASTY = fc.constantFrom(
  "\u0000",
  "\ud800",
  "\u202e",
  "%00",
  "%",
  "%E0%A4%A",
  "../../etc/passwd",
  "C:\\fakepath\\x.md",
  "{{7*7}}",
  "<script>",
  "'; drop table x;--",
  "\r\n",
  "🙂",
);
const nastyText = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  NASTY,
  fc.array(NASTY, { maxLength: 5 }).map((parts) => parts.join("")),
);

function routeOf(): fc.Arbitrary<{ method: string; path: string }> {
  // Lone surrogates as U+FFFD, as on the wire: encodeURIComponent throws on them.
  const id = nastyText.map((text) => encodeURIComponent(Buffer.from(text).toString()));
  const anyPath = fc.oneof(
    fc.constantFrom(...ROUTES.map(([, path]) => path), "/nowhere"),
    id.map((encoded) => `/documents/${encoded}`),
  );
  const route = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...ROUTES).map(([method, path]) => ({ method, path })) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.constantFrom("GET", "DELETE"), id).map(([method, encoded]) => ({ method, path: `/documents/${encoded}` })),
    },
    { weight: 1, arbitrary: fc.record({ method: fc.constantFrom(...METHODS), path: anyPath }) },
  );
  const query = fc.option(
    fc.dictionary(nastyText, nastyText, { maxKeys: 3 }).map((q) => `?${new URLSearchParams(q)}`),
    { nil: "" },
  );
  return fc.tuple(route, query).map(([{ method, path }, q]) => ({ method, path: path + q }));
}

const jsonBody = fc
  .oneof(
    fc.jsonValue({ maxDepth: 3 }),
    fc.record(
      {
        question: fc.oneof(nastyText, fc.jsonValue({ maxDepth: 1 }), fc.constant("x".repeat(2500))),
        history: fc.option(fc.jsonValue({ maxDepth: 2 })),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        question: nastyText,
        answer: nastyText,
        verdict: fc.oneof(fc.constantFrom("up", "down"), nastyText),
        citations: fc.option(fc.jsonValue({ maxDepth: 2 })),
        comment: fc.option(nastyText),
      },
      { requiredKeys: [] },
    ),
  )
  .map((value) => JSON.stringify(value) ?? "null");

/** A form of one or more parts: files with hostile names and contents (empty, binary, a broken PDF, a fake zip), or plain fields. */
const formBody = fc
  .array(
    fc.record({
      field: fc.oneof(fc.constant("files"), nastyText),
      name: fc.oneof(nastyText, fc.constantFrom("a.md", "b.pdf", "c.docx", ".hidden.md", "x.exe", "notes.html", "")),
      content: fc.oneof(nastyText, fc.constantFrom("", "   ", "%PDF-1.7 broken", "PK\u0003\u0004not a zip", "<html>")),
      asFile: fc.boolean(),
    }),
    { maxLength: 3 },
  )
  .map((parts) => {
    const form = new FormData();
    for (const { field, name, content, asFile } of parts) {
      if (asFile) form.append(field, new Blob([content]), name);
      else form.append(field, content);
    }
    return form;
  });

const rawBody = fc.oneof(
  nastyText,
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes).toString("latin1")),
  fc.constant("--xyz\r\nnot a part"),
);

/** A request to one of the server's routes, with any method, headers and body, most of them wrong. */
export function badRequest(token: string): fc.Arbitrary<FuzzRequest> {
  const contentType = fc.option(
    fc.oneof(
      fc.constantFrom(
        "application/json",
        "multipart/form-data",
        "multipart/form-data; boundary=xyz",
        "text/plain",
        "application/x-www-form-urlencoded",
      ),
      nastyText.map((t) => t.replace(/[^\x20-\x7e]/g, "")),
    ),
    { nil: undefined },
  );
  const authorization = fc.option(
    fc.oneof(
      { weight: 3, arbitrary: fc.constant(`Bearer ${token}`) },
      fc.constantFrom("Bearer", "Bearer wrong-token-of-some-length", "Basic Zm9vOmJhcg=="),
      nastyText.map((t) => t.replace(/[^\x20-\x7e]/g, "")),
    ),
    { nil: undefined },
  );
  return fc
    .record({ route: routeOf(), contentType, authorization, body: fc.option(fc.oneof(jsonBody, formBody, rawBody), { nil: undefined }) })
    .map(({ route: { method, path }, contentType, authorization, body }) => {
      const headers: Record<string, string> = {};
      // FormData sets its own content type with the boundary; a generated one would replace it.
      if (contentType !== undefined && !(body instanceof FormData)) headers["content-type"] = contentType;
      if (authorization !== undefined) headers.authorization = authorization;
      return { method, path, headers, body: method === "GET" ? undefined : body };
    });
}

/** A stack frame as Node prints one ("    at ask (/app/src/answer/ask.ts:12:5)"), or a source path. */
const STACK_TRACE = /\n\s+at .+:\d+:\d+|node_modules\/|\/src\/\w+\/\w+\.ts/;

/**
 * Sends `runs` generated requests (seeded) to the server at `url`, checking each answer, and that a
 * refused request to a route that changes documents left the documents as they were (compared by their
 * list, not the index's version, which a compaction in the background changes without changing them).
 */
export async function fuzzServer(url: string, token: string, { runs, seed }: { runs: number; seed: number }): Promise<FuzzReport> {
  const report: FuzzReport = { requests: 0, byStatus: {}, failures: [] };
  const fail = (request: FuzzRequest, why: string) =>
    report.failures.push(`${why}: ${request.method} ${request.path} ${JSON.stringify(request.headers)}`);
  let documents = await documentList(url);
  await fc.assert(
    fc.asyncProperty(badRequest(token), async (request) => {
      let response: Response;
      try {
        response = await fetch(url + request.path, { method: request.method, headers: request.headers, body: request.body });
      } catch (error) {
        // A request fetch itself refuses to send (a header it will not encode) never reaches the server.
        if (error instanceof TypeError && !(await answers(url))) fail(request, `the server stopped answering (${error.message})`);
        return;
      }
      const text = await response.text();
      report.requests++;
      report.byStatus[response.status] = (report.byStatus[response.status] ?? 0) + 1;
      if (response.status >= 500) fail(request, `answered ${response.status} ${text.slice(0, 200)}`);
      if (STACK_TRACE.test(text)) fail(request, `a stack trace reached the client: ${text.slice(0, 200)}`);
      if (response.status >= 400 && !isErrorBody(text)) fail(request, `an error without the error shape: ${text.slice(0, 200)}`);
      if (request.path.startsWith("/documents") && request.method !== "GET") {
        const now = await documentList(url);
        if (response.status >= 400 && now !== documents)
          fail(request, `a refused request changed the documents from ${documents} to ${now}`);
        documents = now;
      }
    }),
    // The property records what it finds rather than failing, so one run reports every broken invariant.
    { numRuns: runs, seed },
  );
  if (!(await answers(url))) report.failures.push("the server no longer answers /healthz");
  return report;
}

function isErrorBody(text: string): boolean {
  try {
    const { error } = JSON.parse(text);
    return typeof error?.code === "string" && typeof error?.message === "string";
  } catch {
    return false;
  }
}

/** The documents the server answers from, with their sizes and passage counts, as one string. */
async function documentList(url: string): Promise<string> {
  return JSON.stringify((await (await fetch(`${url}/documents`)).json()).documents);
}

async function answers(url: string): Promise<boolean> {
  return fetch(`${url}/healthz`).then(
    (r) => r.ok,
    () => false,
  );
}
