import {
  CONVERSATIONS_KEPT,
  keepOpen,
  loadConversations,
  newConversation,
  saveConversations,
  type SavedConversation,
  type SavedTurn,
} from "./conversation-store.js";
import { byId, h } from "./dom.js";
import { shortened } from "./shorten.js";

// Enough to tell questions apart in a narrow drawer; the whole question is the conversation's first line.
const TITLE_CHARS = 60;
// Time to notice a mistake and take it back. The deletion is saved at once: a reload does not bring it back.
const UNDO_MS = 8000;

/**
 * The Chats drawer: the conversations kept in this browser, the most recently used first, each titled by
 * its first question, the open one marked. Opening one hands its turns to `show`. It also keeps the open
 * conversation as the chat changes it: a new one joins the list with its first finished turn.
 */
export class ConversationList {
  private readonly dialog = byId<HTMLDialogElement>("conversations");
  private readonly heading = byId("conversations-heading");
  private readonly list = byId("conversation-list");
  private readonly none = byId("conversations-none");
  private readonly status = byId("conversations-status");
  private conversations: SavedConversation[];
  private open: SavedConversation;
  private undoing: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly show: (turns: SavedTurn[]) => void) {
    const saved = loadConversations();
    this.conversations = saved.conversations;
    this.open = saved.conversations.find((c) => c.id === saved.open) ?? newConversation();
    byId("conversations-open").addEventListener("click", () => {
      this.render();
      this.dialog.showModal();
      this.heading.focus();
    });
    byId("conversations-close").addEventListener("click", () => this.dialog.close());
  }

  /** The turns of the conversation a reload shows: the one open last time, or none for a new one. */
  get openTurns(): SavedTurn[] {
    return this.open.turns;
  }

  /** Saves the open conversation's finished turns, as the most recently used. */
  keep(turns: SavedTurn[]): void {
    // A verdict sent after another conversation was opened has no turn here to keep it with.
    if (turns.length === 0) return;
    this.open.turns = turns;
    this.open.usedAt = Date.now();
    // The least recently used beyond the bound go from the list on screen too, not only after a reload.
    this.conversations = [this.open, ...this.conversations.filter((c) => c !== this.open)].slice(0, CONVERSATIONS_KEPT);
    this.save();
  }

  /** New chat: the open conversation stays in the list, and an empty one, not in the list yet, takes its place. */
  startNew(): void {
    this.open = newConversation();
    keepOpen(undefined);
  }

  private openConversation(conversation: SavedConversation): void {
    this.open = conversation;
    keepOpen(conversation.id);
    this.dialog.close();
    this.show(conversation.turns);
  }

  /** Deletes at once, and offers Undo for a while; deleting the open conversation opens an empty one. */
  private delete(conversation: SavedConversation): void {
    const wasOpen = conversation === this.open;
    this.conversations = this.conversations.filter((c) => c !== conversation);
    if (wasOpen) {
      this.open = newConversation();
      this.show([]);
    }
    this.save();
    this.render();

    clearTimeout(this.undoing);
    const undo = h("button", { type: "button", class: "secondary" }, "Undo");
    undo.addEventListener("click", () => {
      this.endUndo();
      // Back in its place: the list is in order of last use, and its last use has not changed.
      this.conversations = [...this.conversations, conversation].sort((a, b) => b.usedAt - a.usedAt);
      // Back on screen too, unless a question was asked in the empty conversation meanwhile.
      if (wasOpen && this.open.turns.length === 0) {
        this.open = conversation;
        this.show(conversation.turns);
      }
      this.save();
      this.render();
      this.list.children[this.conversations.indexOf(conversation)]?.querySelector("button")?.focus();
    });
    this.status.replaceChildren(h("span", {}, "Conversation deleted"), undo);
    undo.focus();
    this.undoing = setTimeout(() => this.endUndo(), UNDO_MS);
  }

  private endUndo(): void {
    clearTimeout(this.undoing);
    // The Undo button goes: focus stays in the drawer rather than falling back to the page behind it.
    if (this.status.contains(document.activeElement)) this.heading.focus();
    this.status.replaceChildren();
  }

  private save(): void {
    saveConversations({ conversations: this.conversations, open: this.conversations.includes(this.open) ? this.open.id : undefined });
  }

  private render(): void {
    this.none.hidden = this.conversations.length > 0;
    this.list.replaceChildren(...this.conversations.map((conversation) => this.entry(conversation)));
  }

  private entry(conversation: SavedConversation): HTMLLIElement {
    const title = shortened(conversation.turns[0]!.question, TITLE_CHARS);
    const usedAt = new Date(conversation.usedAt);
    const open = h(
      "button",
      { type: "button", class: "conversation-open", ...(conversation === this.open && { "aria-current": "true" }) },
      h("span", { class: "conversation-title" }, title),
      h("time", { datetime: usedAt.toISOString() }, lastUsed(usedAt)),
    );
    open.addEventListener("click", () => this.openConversation(conversation));
    const remove = h("button", { type: "button", class: "secondary", "aria-label": `Delete conversation: ${title}` }, "Delete");
    remove.addEventListener("click", () => this.delete(conversation));
    return h("li", { class: "conversation-entry" }, open, remove);
  }
}

/** Today's time, or an earlier day's date (with the year when it is not this one), as a mail list shows when. */
function lastUsed(when: Date): string {
  const now = new Date();
  if (when.toDateString() === now.toDateString()) return `Today, ${when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" })}`;
  return when.toLocaleDateString([], {
    day: "numeric",
    month: "short",
    ...(when.getFullYear() !== now.getFullYear() && { year: "numeric" }),
  });
}
