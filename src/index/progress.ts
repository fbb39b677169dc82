/** Where a long-running step (a build, a conversion) reports what it is doing, one line at a time. */
export type Progress = (message: string) => void;
