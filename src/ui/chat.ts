import type { AskResponse, HistoryTurn } from "../answer/types.js";
import type { KeptVerdict } from "./answer-actions.js";
import { ApiFailure, streamAnswer } from "./api.js";
import { CitationPreview } from "./citation-preview.js";
import { ConversationList } from "./conversation-list.js";
import type { SavedTurn } from "./conversation-store.js";
import { byId } from "./dom.js";
import { conversationAsMarkdown, download } from "./export.js";
import { documentFacts, type DocumentFacts } from "./library.js";
import type { SourcePanel } from "./source-panel.js";
import { TurnView, type OpenSource } from "./turn-view.js";

// The server accepts 50 history turns; the last 20 (ten exchanges) are plenty of context for a follow-up.
const MAX_HISTORY_TURNS = 20;

interface Turn {
  question: string;
  view: TurnView;
  kept: KeptVerdict;
  /** Set once the answer is complete; only complete answers are sent back as history. */
  response?: AskResponse;
}

/** The conversation: asking, streaming, stopping, starting over, and opening another kept one. */
export class Chat {
  private readonly form = byId<HTMLFormElement>("composer");
  private readonly input = byId<HTMLTextAreaElement>("question");
  private readonly send = byId<HTMLButtonElement>("send");
  private readonly stopButton = byId<HTMLButtonElement>("stop");
  private readonly scroller = byId<HTMLElement>("conversation");
  private readonly turnList = byId<HTMLElement>("turns");
  private readonly empty = byId<HTMLElement>("empty");
  private readonly status = byId<HTMLElement>("status");
  private readonly preview = new CitationPreview();
  private readonly open: OpenSource = (kind, spans, index, opener) => {
    this.preview.hide();
    this.sources.open(kind, spans, index, opener);
  };
  private readonly waiting = byId<HTMLElement>("composer-wait");
  // Opening one from the drawer gives the question box focus; after a deletion the drawer is still open over it, and keeps focus.
  private readonly conversations = new ConversationList((turns) => {
    void this.showConversation(turns);
    this.input.focus();
  });
  private turns: Turn[] = [];
  // Counts the conversations shown, so that one whose documents arrive after another was opened is not shown too.
  private shown = 0;
  private answering: AbortController | undefined;
  // Assumed until the server says otherwise, so that a ready server is never waited for.
  private serverReady = true;

  constructor(private readonly sources: SourcePanel) {
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      const question = this.input.value.trim();
      if (question === "" || this.answering || !this.serverReady) return;
      this.input.value = "";
      void this.ask(question);
    });
    this.input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
        event.preventDefault();
        this.form.requestSubmit();
      }
    });
    this.stopButton.addEventListener("click", () => this.answering?.abort());
    byId("new-chat").addEventListener("click", () => this.clear());
    byId("export").addEventListener("click", () => this.export());
  }

  focus(): void {
    this.input.focus();
  }

  /** Asks `question` as if typed, unless an answer is still coming. */
  askNow(question: string): void {
    if (!this.answering && this.serverReady) void this.ask(question);
  }

  /** The server cannot answer yet (`line` says why): Ask waits, and what is typed stays to be sent. */
  wait(line: string): void {
    this.serverReady = false;
    this.send.disabled = true;
    this.waiting.textContent = line;
    this.waiting.hidden = false;
  }

  ready(): void {
    if (this.serverReady) return;
    this.serverReady = true;
    this.send.disabled = false;
    this.waiting.hidden = true;
    this.announce("Ready to answer.");
  }

  /** Shows the conversation open at the end of the last visit, as it was left. */
  restore(): Promise<void> {
    return this.showConversation(this.conversations.openTurns);
  }

  /** Replaces what is on screen with `saved`'s turns, as they were left; with none, with an empty conversation. */
  private async showConversation(saved: SavedTurn[]): Promise<void> {
    const shown = ++this.shown;
    this.answering?.abort();
    this.setAnswering(undefined);
    this.turns = [];
    this.preview.hide();
    this.turnList.replaceChildren();
    this.empty.hidden = saved.length > 0;
    this.sources.close();
    if (saved.length === 0) return;
    const facts = await documentFacts(saved.flatMap((turn) => documentIds(turn.response)));
    if (shown !== this.shown) return;
    for (const { question, response, verdict } of saved) {
      const kept = this.keptVerdict(verdict);
      const turn: Turn = { question, view: new TurnView(question, kept), kept, response };
      this.show(turn, response, facts);
      this.turns.push(turn);
      this.turnList.append(turn.view.element);
    }
    this.offerRegenerate();
    this.scrollToEnd(true);
  }

  private async ask(question: string): Promise<void> {
    this.turns.at(-1)?.view.offerRegenerate(undefined);
    this.turns.at(-1)?.view.offerEdit(undefined);
    const history = this.history();
    const kept = this.keptVerdict(undefined);
    const turn: Turn = { question, view: new TurnView(question, kept), kept };
    this.turns.push(turn);
    this.empty.hidden = true;
    this.turnList.append(turn.view.element);
    this.scrollToEnd(true);

    const answering = new AbortController();
    this.setAnswering(answering);
    this.announce("Searching the documents…");
    try {
      turn.response = await streamAnswer(
        question,
        history,
        {
          onPassages: (passages) => turn.view.showProgress(`Found ${passages.length} passages. Writing the answer…`),
          onDelta: (text) => {
            const following = this.isNearEnd();
            turn.view.appendText(text);
            this.scrollToEnd(following);
          },
        },
        answering.signal,
      );
      const response = turn.response;
      const facts = await documentFacts(documentIds(response));
      // Another conversation was opened while the documents were asked about: this turn is no longer on screen.
      if (!this.turns.includes(turn)) return;
      this.show(turn, response, facts);
      this.save();
      this.offerRegenerate();
      this.announce(response.grounded ? "Answer ready." : "Not found in the documents.");
    } catch (error) {
      if (answering.signal.aborted) {
        turn.view.showStopped();
        this.announce("Stopped.");
      } else {
        const failure = error instanceof ApiFailure ? error : new ApiFailure("Something went wrong in the page. Try again.");
        turn.view.showError(failure.message, failure.status, () => this.retry(turn));
        this.announce(`Could not answer: ${failure.message}`);
      }
    } finally {
      if (this.answering === answering) this.setAnswering(undefined);
      this.scrollToEnd(this.isNearEnd());
    }
  }

  /**
   * A finished answer, shown with what the answer right above it cited, so a repeated quote is not shown twice.
   * Right above: a stopped or failed turn in between shows no quote to point back to.
   */
  private show(turn: Turn, response: AskResponse, facts: DocumentFacts): void {
    const at = this.turns.indexOf(turn);
    const above = at === -1 ? this.turns.at(-1) : this.turns[at - 1];
    if (response.grounded) turn.view.showAnswer(response, above?.response?.citations ?? [], facts.markdown, this.open, this.preview);
    else turn.view.showNotFound(response, facts.titles, this.open);
  }

  private save(): void {
    this.conversations.keep(
      this.turns.flatMap(({ question, response, kept }) => (response ? [{ question, response, verdict: kept.verdict }] : [])),
    );
  }

  private keptVerdict(verdict: KeptVerdict["verdict"]): KeptVerdict {
    return { verdict, changed: () => this.save() };
  }

  /** The finished turns as a Markdown file; with none yet, says so instead of downloading an empty one. */
  private export(): void {
    const finished = this.turns.flatMap(({ question, response }) => (response ? [{ question, response }] : []));
    if (finished.length === 0) {
      this.announce("Nothing to export yet: ask a question first.");
      return;
    }
    download("conversation.md", conversationAsMarkdown(finished));
    this.announce("Exported the conversation as conversation.md.");
  }

  /** Only the last answer can be asked for again, or its question changed: a later one was answered with it as history. */
  private offerRegenerate(): void {
    const last = this.turns.at(-1);
    if (!last?.response) return;
    last.view.offerRegenerate(() => this.retry(last));
    last.view.offerEdit((question) => this.retry(last, question));
  }

  /** Asks `turn`'s question again, or `question` instead, in its place. */
  private retry(turn: Turn, question = turn.question): void {
    if (this.answering) return;
    this.turns = this.turns.filter((t) => t !== turn);
    turn.view.element.remove();
    void this.ask(question);
  }

  /** Starts over: stops any answer in progress and starts an empty conversation, leaving this one in the list. */
  private clear(): void {
    this.conversations.startNew();
    void this.showConversation([]);
    this.announce("New chat.");
    this.input.focus();
  }

  private history(): HistoryTurn[] {
    return this.turns
      .flatMap((turn): HistoryTurn[] =>
        turn.response
          ? [
              { role: "user", content: turn.question },
              { role: "assistant", content: turn.response.answer },
            ]
          : [],
      )
      .slice(-MAX_HISTORY_TURNS);
  }

  private setAnswering(controller: AbortController | undefined): void {
    const busy = controller !== undefined;
    const focused = document.activeElement;
    const hadFocus = focused === this.input || focused === this.send || focused === this.stopButton;
    this.answering = controller;
    this.input.disabled = busy;
    this.send.hidden = busy;
    this.stopButton.hidden = !busy;
    this.form.setAttribute("aria-busy", String(busy));
    // The control that had focus was just hidden or disabled: hand focus to the one that replaced it.
    if (hadFocus || focused === document.body) (busy ? this.stopButton : this.input).focus();
  }

  private announce(message: string): void {
    this.status.textContent = message;
  }

  private isNearEnd(): boolean {
    const { scrollTop, scrollHeight, clientHeight } = this.scroller;
    return scrollHeight - scrollTop - clientHeight < 80;
  }

  /** Follows the newest text, but only when the reader has not scrolled up to read something else. */
  private scrollToEnd(following: boolean): void {
    if (following) this.scroller.scrollTop = this.scroller.scrollHeight;
  }
}

/** The documents an answer shows: its citations', or for a decline, its closest passages'. */
function documentIds(response: AskResponse): string[] {
  return response.grounded ? response.citations.map((c) => c.documentId) : response.passages.map((p) => p.documentId);
}
