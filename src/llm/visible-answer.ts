import { mayBecomeQuotesLine, QUOTES_LINE } from "./protocol.js";

const PARTIAL_MARKER = /\[\d*$/;
const TRAILING_SPACE = /\s*$/;

/**
 * Turns the model's raw pieces into answer text fit to show as it streams. Text is held back while
 * it might still turn out to be half a citation marker ("[1" before its "]"), the start of the
 * QUOTES line, or whitespace before it; from the QUOTES line on, nothing is shown.
 */
export class VisibleAnswer {
  private raw = "";
  private shown = 0;
  private finished = false;

  constructor(private readonly emit: (text: string) => void = () => {}) {}

  push(piece: string): void {
    if (this.finished) return;
    this.raw += piece;
    const block = QUOTES_LINE.exec(this.raw);
    if (block) {
      this.show(this.raw.slice(0, block.index).trimEnd().length);
      this.finished = true;
      return;
    }
    this.show(this.safeLength());
  }

  /** The reply is complete: whatever was held back only in case more came is shown now. */
  end(): void {
    if (this.finished) return;
    this.show(this.raw.trimEnd().length);
    this.finished = true;
  }

  private safeLength(): number {
    const lineStart = this.raw.lastIndexOf("\n") + 1;
    const candidates = [
      this.raw.length - TRAILING_SPACE.exec(this.raw)![0].length,
      PARTIAL_MARKER.exec(this.raw)?.index ?? this.raw.length,
      // The QUOTES line starts a line, so the newline and spaces before it are held with it.
      mayBecomeQuotesLine(this.raw.slice(lineStart)) ? this.raw.slice(0, lineStart).trimEnd().length : this.raw.length,
    ];
    return Math.min(...candidates);
  }

  private show(upTo: number): void {
    // Leading whitespace would not be part of the final (trimmed) answer either.
    const from = this.shown === 0 ? this.raw.length - this.raw.trimStart().length : this.shown;
    if (upTo <= from) return;
    this.emit(this.raw.slice(from, upTo));
    this.shown = upTo;
  }
}
