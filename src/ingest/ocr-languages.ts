import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** Where a language's model is installed, or undefined when its package is not (`npm install @tesseract.js-data/<code>`). */
export function languageModelPath(code: string): string | undefined {
  try {
    // The integer LSTM models: what tesseract.js itself fetches for LSTM-only recognition, smaller and faster.
    return join(dirname(require.resolve(`@tesseract.js-data/${code}/package.json`)), "4.0.0_best_int", `${code}.traineddata.gz`);
  } catch {
    return undefined;
  }
}
