import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './1760000000000-read-model';

/**
 * `family_links`: the published family events of each case (a member linked, unlinked; the young person's rights),
 * one row per event, as the case service published them (no contact details, no code: those are never on Kafka).
 * The family read replays a case's rows through the domain (`@tio/ehc-domain` replay and familyAccessOf) to decide
 * what a family member may see. Part of the rebuildable read model: it runs in `timeline` and in `timeline_next`.
 */
export class FamilyLinks1760000000004 implements MigrationInterface {
  name = 'FamilyLinks1760000000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`CREATE TABLE ${s}.family_links (
      source_event_id text COLLATE "C" PRIMARY KEY,
      case_id text COLLATE "C" NOT NULL,
      subject text COLLATE "C",
      type text NOT NULL,
      data jsonb NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL
    )`);
    await queryRunner.query(`CREATE INDEX family_links_subject ON ${s}.family_links (subject, case_id) WHERE subject IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX family_links_case ON ${s}.family_links (case_id, occurred_at, recorded_at, source_event_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`DROP TABLE ${s}.family_links`);
  }
}
