/** Where a long-running step (a build, a conversion) reports what it is doing, one line at a time. */
export type Progress = (message: string) => void;

/** How far a build of the index has got, as `/healthz` reports it. */
export interface BuildProgress {
  /** The build's last progress line ("Embedded 128/331 sentences."). */
  message: string;
  /** From an "Embedded N/M what." line: N, M and what ("sentences and headings"). */
  done?: number;
  total?: number;
  what?: string;
  /** When the build started (ISO 8601). */
  startedAt: string;
}

/** Reads the counts out of a progress line when it has them. */
export function describeProgress(message: string, startedAt: string): BuildProgress {
  const counts = /^Embedded (\d+)\/(\d+) ([\w ]+)\.$/.exec(message);
  return counts
    ? { message, done: Number(counts[1]), total: Number(counts[2]), what: counts[3], startedAt }
    : { message, startedAt };
}
