import { ApiFailure } from "./api.js";
import { byId } from "./dom.js";

// sessionStorage, never localStorage: the token goes when the tab closes.
const KEY = "grounded-qa.admin-token";

/** Runs a write with the admin token; `waiting` is called when the token has to be asked for first. */
export type WithToken = <T>(write: (token: string) => Promise<T>, waiting: () => void) => Promise<T>;

/**
 * The admin token that adding and deleting documents need: asked for in the drawer on the first
 * write, kept for the tab, and forgotten and asked for again, with the server's reason, on a 401.
 * Writes waiting at the same time share one answer.
 */
export function adminToken(): WithToken {
  const form = byId<HTMLFormElement>("token-form");
  const input = byId<HTMLInputElement>("token");
  const reason = byId<HTMLElement>("token-reason");
  let token = stored();
  let asking: Promise<string> | undefined;
  let answer: (token: string | undefined) => void = () => {};

  const ask = (message: string) => {
    reason.textContent = message;
    reason.hidden = !message;
    form.hidden = false;
    input.focus();
    return (asking ??= new Promise<string>((resolve, reject) => {
      answer = (given) => {
        asking = undefined;
        form.hidden = true;
        input.value = "";
        // The field that had focus is gone: the drawer's heading is where a reader picks up again.
        byId("documents-heading").focus();
        if (given) resolve(given);
        else reject(new ApiFailure("Adding and deleting documents needs the admin token."));
      };
    }));
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    token = input.value.trim() || undefined;
    store(token);
    if (token) answer(token);
  });
  byId("token-cancel").addEventListener("click", () => answer(undefined));

  return async (write, waiting) => {
    let message = "";
    for (;;) {
      if (!token) waiting();
      try {
        return await write(token ?? (await ask(message)));
      } catch (error) {
        if (!(error instanceof ApiFailure && error.status === 401)) throw error;
        token = undefined;
        store(token);
        message = error.message;
      }
    }
  };
}

function stored(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Storage turned off keeps the token for as long as the page is open. */
function store(token: string | undefined): void {
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Nothing to do: the page still holds it.
  }
}
