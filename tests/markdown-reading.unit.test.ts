import { describe, expect, it } from "vitest";
import { DEFAULT_READING_LIMITS } from "../src/config.js";
import { extractDocument } from "../src/ingest/extract.js";
import { splitDocument } from "../src/ingest/passages.js";

/** A page of documentation as sites built with VitePress or Docusaurus keep them. */
const QUICK_START = `---
title: Quick Start
outline: deep
---

<!-- generated from the guide; edit the source -->

# Getting started {#getting-started}

<div class="tip">

Vue needs Node.js 18.3 or higher to be installed.

</div>

## Creating an application

\`\`\`sh
# install the scaffolding tool
npm create vue@latest
\`\`\`

This command installs and runs create-vue, the official scaffolding tool for Vue projects.
`;

async function passagesOf(path: string, source: string) {
  const { document } = await extractDocument(path, Buffer.from(source), DEFAULT_READING_LIMITS);
  const { passages } = splitDocument(document, { maxChars: 1200 });
  for (const p of passages) expect(document.text.slice(p.start, p.end)).toBe(p.text);
  return { document, passages };
}

describe("Markdown, read as a reader sees it", () => {
  it("takes the title from the front matter, and never quotes front matter, comments or tag-only lines", async () => {
    const { document, passages } = await passagesOf("guide/quick-start.md", QUICK_START);
    expect(document.title).toBe("Quick Start");
    expect(document.text).toBe(QUICK_START);
    const texts = passages.map((p) => p.text).join("\n");
    for (const markup of ["outline: deep", "---", "generated from", "<div", "</div>", "```"]) expect(texts).not.toContain(markup);
    expect(passages.find((p) => p.text.startsWith("Vue needs"))).toMatchObject({ heading: "Getting started" });
  });

  it("indexes a short code block under its section, its comment not taken for a heading", async () => {
    const { passages } = await passagesOf("guide/quick-start.md", QUICK_START);
    expect(passages.find((p) => p.text.includes("npm create vue@latest"))).toMatchObject({
      text: "# install the scaffolding tool\nnpm create vue@latest",
      heading: "Creating an application",
    });
    expect(passages.find((p) => p.text.startsWith("This command"))?.heading).toBe("Creating an application");
  });

  it("reads MDX as Markdown, without its import lines and components", async () => {
    const mdx =
      "import Tabs from '@theme/Tabs';\n\n# Deploying\n\n<Tabs>\n\nThe site is deployed by pushing to the main branch.\n\n</Tabs>\n";
    const { document, passages } = await passagesOf("docs/deploying.mdx", mdx);
    expect(document.format).toBe("markdown");
    expect(document.title).toBe("Deploying");
    expect(passages.map((p) => p.text)).toEqual(["The site is deployed by pushing to the main branch."]);
  });

  it("titles a file without front matter from its first heading, as before", async () => {
    const { document } = await passagesOf("notes.md", "<!-- draft -->\n\n# Harbour notes\n\nThe pier opens in May.\n");
    expect(document.title).toBe("Harbour notes");
  });
});
