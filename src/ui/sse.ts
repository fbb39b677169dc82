export interface ServerSentEvent {
  event: string;
  data: string;
}

// A line ends at CRLF, LF or CR (the SSE spec allows all three).
const LINE_END = /\r\n|\r|\n/;

/**
 * The events of a `text/event-stream` body, in order. Written by hand because EventSource can only
 * GET, and the answer stream is a POST. Cancels the body when the consumer stops early.
 */
export async function* readServerSentEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<ServerSentEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let event = "";
  let data: string[] = [];
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      for (let end = LINE_END.exec(buffer); end; end = LINE_END.exec(buffer)) {
        // A CR at the very end may be the first half of a CRLF split across chunks.
        if (end[0] === "\r" && end.index === buffer.length - 1) break;
        const line = buffer.slice(0, end.index);
        buffer = buffer.slice(end.index + end[0].length);
        if (line === "") {
          if (data.length > 0) yield { event: event || "message", data: data.join("\n") };
          event = "";
          data = [];
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const field = colon === -1 ? line : line.slice(0, colon);
          const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
          if (field === "event") event = value;
          else if (field === "data") data.push(value);
        }
      }
    }
  } finally {
    reader.cancel().catch(() => undefined);
  }
}
