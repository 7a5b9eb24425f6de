import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './1760000000000-read-model';

/**
 * The payloads of the `ehc.*` events (for the domain's statutory clock), and indexes for agency-level access through
 * open advice requests. Part of the rebuildable read model: it runs in `timeline` and in `timeline_next`.
 *
 * Events projected before this migration have no payload here (the earlier model kept only builder-picked facts):
 * after deploying it, run the rebuild once (`npx nx run timeline:rebuild`) so every case's clock is complete.
 */
export class CaseClockEvents1760000000002 implements MigrationInterface {
  name = 'CaseClockEvents1760000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`CREATE TABLE ${s}.case_clock_events (
      source_event_id text COLLATE "C" PRIMARY KEY,
      case_id text COLLATE "C" NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      source_topic text COLLATE "C" NOT NULL,
      source_partition integer NOT NULL,
      source_offset bigint NOT NULL
    )`);
    await queryRunner.query(
      `CREATE INDEX case_clock_events_order ON ${s}.case_clock_events (case_id, occurred_at, recorded_at, source_topic, source_partition, source_offset)`,
    );
    // agency-level access: open advice requests that name no adviser, and the answers that close them
    await queryRunner.query(
      `CREATE INDEX timeline_entries_unnamed_advice_requests ON ${s}.timeline_entries ((details->>'agency'), case_id)
        WHERE source_event_type = 'ehc.advice-requested.v1' AND NOT (details ? 'adviserRef')`,
    );
    await queryRunner.query(
      `CREATE INDEX timeline_entries_advice_answers ON ${s}.timeline_entries (case_id, (details->>'adviceRequestId'))
        WHERE source_event_type IN ('ehc.advice-received.v1', 'ehc.advice-reused.v1', 'advice.submitted.v1')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP INDEX ${s}.timeline_entries_advice_answers`);
    await queryRunner.query(`DROP INDEX ${s}.timeline_entries_unnamed_advice_requests`);
    await queryRunner.query(`DROP TABLE ${s}.case_clock_events`);
  }
}
