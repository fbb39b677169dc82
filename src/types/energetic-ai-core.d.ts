// @energetic-ai/core re-exports TensorFlow.js, whose type packages it bundles instead of depending on;
// this names the one function used here.
declare module "@energetic-ai/core" {
  /** Resolves once TensorFlow.js's backend (WASM here) is initialized. */
  export function ready(): Promise<void>;
}
