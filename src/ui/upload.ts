import type { WithToken } from "./admin-token.js";
import { ApiFailure, uploadDocument, type DocumentList } from "./api.js";
import { byId, h } from "./dom.js";

const OUTCOMES = { added: "Added: ", replaced: "Replaced: ", duplicate: "Already in the corpus" };

/**
 * "Add documents" and the drop zone, and a row per file saying how its upload goes. Each file goes up
 * in its own request, one after another, so each has its own progress and its own outcome; the server
 * indexes them one at a time anyway. `changed` runs after each document added or replaced.
 */
/** What the server said an upload may be, when it said. */
export type UploadLimits = Pick<DocumentList, "maxUploadBytes" | "formats">;

export function watchUploads(
  withToken: WithToken,
  changed: () => Promise<void>,
  announce: (message: string) => void,
  limits: () => UploadLimits,
): void {
  const input = byId<HTMLInputElement>("files");
  const zone = byId<HTMLElement>("drop-zone");
  const rows = byId<HTMLUListElement>("uploads");
  let queue = Promise.resolve();
  let pending = 0;

  const add = (files: File[]) => {
    // A new batch clears the outcomes of the last one.
    if (pending === 0) rows.replaceChildren();
    for (const file of files) {
      const bar = h("progress", { max: "100", "aria-label": `Uploading ${file.name}`, hidden: "" });
      const status = h("span", {}, "Waiting…");
      const row = h("li", { class: "upload-row" }, h("span", { class: "upload-name" }, file.name), bar, status);
      rows.append(row);
      const say = (message: string, percent?: number) => {
        bar.hidden = percent === undefined;
        bar.value = percent ?? 0;
        status.textContent = message;
      };
      const refused = refusal(file, limits());
      if (refused) {
        say(refused);
        status.setAttribute("role", "alert");
        row.classList.add("failed");
        continue;
      }
      pending++;
      queue = queue.then(async () => {
        try {
          const sent = (fraction: number) =>
            fraction < 1 ? say(`Uploading ${Math.floor(fraction * 100)}%`, fraction * 100) : say("Indexing…");
          const uploaded = await withToken(
            (token) => uploadDocument(file, token, sent),
            () => say("Waiting for the admin token…"),
          );
          const { passages } = uploaded;
          say(OUTCOMES[uploaded.status] + (uploaded.status === "duplicate" ? "" : passages === 1 ? "1 passage" : `${passages} passages`));
          announce(`${file.name}: ${status.textContent}`);
          await changed();
        } catch (error) {
          say(error instanceof ApiFailure ? withoutFileName(error.message, file.name) : "The upload failed in the page. Try again.");
          status.setAttribute("role", "alert");
          row.classList.add("failed");
        }
        pending--;
      });
    }
  };

  byId("add-documents").addEventListener("click", () => input.click());
  input.addEventListener("change", () => {
    add([...(input.files ?? [])]);
    input.value = "";
  });
  for (const type of ["dragenter", "dragover"]) {
    zone.addEventListener(type, (event) => {
      event.preventDefault();
      zone.classList.add("dragging");
    });
  }
  zone.addEventListener("dragleave", () => zone.classList.remove("dragging"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("dragging");
    add([...(event.dataTransfer?.files ?? [])]);
  });
}

/** The server names the file its message is about ("notes.csv: the corpus takes …"); its row already does. */
function withoutFileName(message: string, name: string): string {
  const prefix = `${name}: `;
  if (!message.toLowerCase().startsWith(prefix.toLowerCase())) return message;
  const reason = message.slice(prefix.length);
  return reason.charAt(0).toUpperCase() + reason.slice(1);
}

/** Why the server would refuse `file`, found before sending it; undefined when it may go. */
function refusal(file: File, { maxUploadBytes, formats }: UploadLimits): string | undefined {
  const extension = /\.[^.]+$/.exec(file.name)?.[0]?.toLowerCase() ?? "";
  if (formats && !formats.includes(extension)) return `Not a format the corpus takes: ${formats.join(", ")}.`;
  if (maxUploadBytes !== undefined && file.size > maxUploadBytes) {
    return `Too large: ${megabytes(file.size)}, and the server takes at most ${megabytes(maxUploadBytes)} at a time.`;
  }
  return undefined;
}

function megabytes(bytes: number): string {
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
