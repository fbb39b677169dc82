import type { Citation } from "../answer/types.js";
import { h } from "./dom.js";
import { cardContent } from "./source-cards.js";

const HIDE_AFTER_MS = 150;
// As long as a touch must be held before it counts as "show me" rather than a tap.
const LONG_PRESS_MS = 450;

/**
 * The source card of a citation, floating by its chip while the chip is hovered or focused, or after a
 * long press on a touch screen. One for the page; it describes the chip it belongs to (aria-describedby).
 */
export class CitationPreview {
  private readonly element = h("div", { id: "citation-preview", class: "preview", role: "tooltip", hidden: "" });
  private owner: HTMLElement | undefined;
  private hiding: number | undefined;

  constructor() {
    document.body.append(this.element);
    this.element.addEventListener("mouseenter", () => clearTimeout(this.hiding));
    this.element.addEventListener("mouseleave", () => this.hideSoon());
    // A tap on the card does what a tap on the chip does.
    this.element.addEventListener("click", () => this.owner?.click());
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") this.hide();
    });
    document.addEventListener("pointerdown", (event) => {
      if (this.owner && !this.owner.contains(event.target as Node) && !this.element.contains(event.target as Node)) this.hide();
    });
  }

  /** Makes `chip` show `citation`'s card by hover, focus and long press; a click still does what it did. */
  attach(chip: HTMLElement, citation: Citation, markdown: ReadonlySet<string>): void {
    const show = () => this.show(chip, citation, markdown);
    chip.addEventListener("mouseenter", show);
    // Focus by keyboard only: a tap or click focuses the chip too, and then opens the panel instead.
    chip.addEventListener("focus", () => {
      if (chip.matches(":focus-visible")) show();
    });
    chip.addEventListener("mouseleave", () => this.hideSoon());
    chip.addEventListener("blur", () => this.hideSoon());
    let pressing: number | undefined;
    let pressed = false;
    chip.addEventListener("pointerdown", (event) => {
      if (event.pointerType !== "touch") return;
      pressed = false;
      pressing = window.setTimeout(() => {
        pressed = true;
        show();
      }, LONG_PRESS_MS);
    });
    for (const type of ["pointerup", "pointercancel", "pointerleave"]) chip.addEventListener(type, () => clearTimeout(pressing));
    // A long press shows the card; the click that ends it should not also open the panel over it.
    chip.addEventListener("click", (event) => {
      if (!pressed) return this.hide();
      pressed = false;
      event.stopImmediatePropagation();
    });
    chip.addEventListener("contextmenu", (event) => event.preventDefault());
  }

  hide(): void {
    clearTimeout(this.hiding);
    this.owner?.removeAttribute("aria-describedby");
    this.owner = undefined;
    this.element.hidden = true;
  }

  private show(chip: HTMLElement, citation: Citation, markdown: ReadonlySet<string>): void {
    clearTimeout(this.hiding);
    this.owner?.removeAttribute("aria-describedby");
    this.owner = chip;
    chip.setAttribute("aria-describedby", this.element.id);
    this.element.replaceChildren(...cardContent(citation, markdown));
    this.element.hidden = false;
    this.place(chip);
  }

  private hideSoon(): void {
    clearTimeout(this.hiding);
    this.hiding = window.setTimeout(() => this.hide(), HIDE_AFTER_MS);
  }

  /** Below the chip, or above it when there is no room below; always inside the window. */
  private place(chip: HTMLElement): void {
    const anchor = chip.getBoundingClientRect();
    const margin = 8;
    const width = Math.min(352, window.innerWidth - 2 * margin);
    this.element.style.width = `${width}px`;
    const left = Math.min(Math.max(margin, anchor.left), window.innerWidth - width - margin);
    const height = this.element.offsetHeight;
    const below = anchor.bottom + 6;
    const top = below + height <= window.innerHeight - margin ? below : Math.max(margin, anchor.top - 6 - height);
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
  }
}
