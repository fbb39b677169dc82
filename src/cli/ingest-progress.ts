import { MultiBar, type SingleBar } from "cli-progress";
import { describeEvent, type Progress } from "../progress.js";

/** How many documents and passages a build indexes. */
export interface CorpusSize {
  documents: number;
  passages: number;
}

/** How `npm run ingest` shows a build's progress, and puts it away once the build is over. */
export interface IngestReport {
  progress: Progress;
  stop(): void;
}

// Most telling first: a terminal narrower than the line cuts it from the end.
const FORMAT =
  "Indexing [{bar}] {percentage}% | ETA {timeLeft} | {documentsPerSecond} documents/s, {passagesPerSecond} passages/s | {value}/{total} sentences and headings";

/**
 * How fast the corpus is being indexed, `seconds` after it was split with `done` of `total` embedded: its
 * documents and passages, counted done in the share embedded, per second; and the time left at that pace
 * (the encoder's start-up included, so it errs long at first). "–" where that cannot be told yet (no split
 * seen, no time gone by).
 */
export function paceOf(corpus: CorpusSize | undefined, done: number, total: number, seconds: number) {
  const share = total > 0 ? done / total : 1;
  const perSecond = (count: number | undefined) => (count === undefined || seconds <= 0 ? "–" : rateText((count * share) / seconds));
  return {
    documentsPerSecond: perSecond(corpus?.documents),
    passagesPerSecond: perSecond(corpus?.passages),
    timeLeft: done > 0 && seconds > 0 ? durationText((seconds * (total - done)) / done) : "–",
  };
}

/**
 * On a terminal, a bar of the sentences and headings embedded, with the pace, and the line of every other
 * event printed above it as it comes; anywhere else (CI, a pipe), the line of every event.
 */
export function ingestReport(stream: NodeJS.WriteStream): IngestReport {
  if (!stream.isTTY) return { progress: (event) => stream.write(`${describeEvent(event)}\n`), stop: () => {} };
  const bars = new MultiBar({
    stream,
    format: FORMAT,
    barsize: 20,
    barCompleteChar: "\u2588",
    barIncompleteChar: "\u2591",
    // cli-progress redraws a bar only when its text changed: a line printed above it would otherwise leave it blank.
    forceRedraw: true,
    // Leaves the terminal's line wrapping alone, so a build stopped with Ctrl-C cannot leave it off; the bar is cut to the terminal's width anyway.
    linewrap: true,
  });
  let bar: SingleBar | undefined;
  let corpus: CorpusSize | undefined;
  let splitAt = performance.now();
  return {
    progress(event) {
      if (event.phase !== "embedding") {
        if (event.phase === "split") {
          corpus = { documents: event.documents, passages: event.passages };
          splitAt = performance.now();
        }
        const line = `${describeEvent(event)}\n`;
        if (bar) bars.log(line);
        else stream.write(line);
        return;
      }
      const pace = paceOf(corpus, event.done, event.total, (performance.now() - splitAt) / 1000);
      if (!bar) bar = bars.create(event.total, event.done, pace);
      else {
        bar.setTotal(event.total);
        bar.update(event.done, pace);
      }
    },
    stop() {
      if (!bar) return;
      // A redraw first: stop() draws the bar one last time but drops lines still waiting to be printed above it.
      bars.update();
      bars.stop();
    },
  };
}

function rateText(rate: number): string {
  return rate < 10 ? rate.toFixed(1) : String(Math.round(rate));
}

function durationText(seconds: number): string {
  const whole = Math.ceil(seconds);
  if (whole < 60) return `${whole}s`;
  const pad = (n: number) => String(n).padStart(2, "0");
  if (whole < 3600) return `${Math.floor(whole / 60)}m ${pad(whole % 60)}s`;
  return `${Math.floor(whole / 3600)}h ${pad(Math.floor(whole / 60) % 60)}m`;
}
