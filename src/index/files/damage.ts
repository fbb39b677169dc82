/** A saved index that cannot be used as it is: its message names the file and why ("text.json is damaged (...)"). */
export class DamagedIndexError extends Error {}

export function damaged(path: string, why: string): never {
  throw new DamagedIndexError(`${path} is damaged (${why})`);
}

/** Runs `parse`, reporting any error it throws as damage to `path`. */
export function parsing<T>(path: string, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof DamagedIndexError) throw error;
    damaged(path, error instanceof Error ? error.message : String(error));
  }
}

export async function parsingAsync<T>(path: string, parse: () => Promise<T>): Promise<T> {
  try {
    return await parse();
  } catch (error) {
    if (error instanceof DamagedIndexError) throw error;
    damaged(path, error instanceof Error ? error.message : String(error));
  }
}
