// Often enough that a finished build is noticed at once; /healthz is cheap.
const POLL_MS = 1000;

/**
 * Resolves once `/healthz` says the server is ready to answer, calling `waiting` with a line for the reader
 * each time it says it is not: the index building (with how far it has got), loading, its processes starting, or its store out of reach.
 */
export async function whenReady(waiting: (line: string) => void): Promise<void> {
  for (;;) {
    const line = await notReadyLine();
    if (line === undefined) return;
    waiting(line);
    await new Promise((done) => setTimeout(done, POLL_MS));
  }
}

/** undefined when the server is ready. */
async function notReadyLine(): Promise<string | undefined> {
  let health: {
    status?: string;
    reason?: string;
    progress?: { phase?: string; done?: number; total?: number; unit?: string; message?: string };
  };
  try {
    health = await (await fetch("/healthz")).json();
  } catch {
    return "Cannot reach the server. Check that it is running; the page will carry on when it answers.";
  }
  switch (health?.status) {
    case "ready":
      return undefined;
    case "building": {
      const progress = health.progress;
      if (progress?.phase === "ocr") return `Building the index: ${progress.message}`;
      return typeof progress?.total === "number"
        ? `Building the index: ${progress.done} of ${progress.total} ${progress.unit} embedded…`
        : "Building the index…";
    }
    // Several server processes: the index is ready but not yet in every one of them.
    case "starting":
      return "Starting the server…";
    case "unavailable":
      return `The index cannot be read now: ${health.reason ?? "its store is out of reach"}.`;
    default:
      return "Loading the index…";
  }
}
