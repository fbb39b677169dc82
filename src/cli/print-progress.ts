import { describeEvent, type Progress } from "../progress.js";

/** A command's progress, one sentence a line on stderr, so stdout keeps only what the command answers. */
export const printProgress: Progress = (event) => console.error(describeEvent(event));
