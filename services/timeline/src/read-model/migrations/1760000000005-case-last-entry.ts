import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './1760000000000-read-model';

/**
 * The key of each case's last entry by the order rule, kept on its `timeline_cases` row: (`last_occurred_at`,
 * `last_recorded_at`, `last_event_id`). The projection reads it in the statement that locks the case row, so a live
 * event that sorts after it is numbered by appending without another query (projector.ts). Null while the case has no
 * entries. Filled here from the entries already stored; part of the rebuildable read model (live and aside).
 */
export class CaseLastEntry1760000000005 implements MigrationInterface {
  name = 'CaseLastEntry1760000000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`ALTER TABLE ${s}.timeline_cases ADD COLUMN last_recorded_at timestamptz, ADD COLUMN last_event_id text COLLATE "C"`);
    await queryRunner.query(
      `UPDATE ${s}.timeline_cases c SET last_occurred_at = t.occurred_at, last_recorded_at = t.recorded_at, last_event_id = t.source_event_id
         FROM (SELECT DISTINCT ON (case_id) case_id, occurred_at, recorded_at, source_event_id FROM ${s}.timeline_entries
                ORDER BY case_id, occurred_at DESC, recorded_at DESC, source_event_id DESC) t
        WHERE c.case_id = t.case_id`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`ALTER TABLE ${s}.timeline_cases DROP COLUMN last_recorded_at, DROP COLUMN last_event_id`);
  }
}
