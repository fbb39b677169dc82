import type pg from "pg";
import { connectDatabase, reaching } from "../database/connection.js";
import { migrate } from "../database/schema.js";
import type { FeedbackEntry, FeedbackLog } from "./feedback.js";

/**
 * Verdicts kept in the database's `qa_feedback`, so servers on several machines collect them in one place.
 * Feedback may come before the server has opened its index: the schema is brought up to date first, once.
 * While the database cannot be reached, posting answers 503.
 */
export class FeedbackTable implements FeedbackLog {
  private readonly pool: pg.Pool;
  private migrated: Promise<void> | undefined;

  constructor(url: string) {
    this.pool = connectDatabase(url);
  }

  async record(entry: FeedbackEntry): Promise<void> {
    await reaching(async () => {
      this.migrated ??= migrate(this.pool).catch((error) => {
        this.migrated = undefined;
        throw error;
      });
      await this.migrated;
      await this.pool.query("INSERT INTO qa_feedback (received_at, verdict, entry) VALUES ($1, $2, $3)", [
        entry.time,
        entry.verdict,
        entry,
      ]);
    });
  }
}
