import type { MigrationInterface, QueryRunner } from 'typeorm';
import { schemaOf } from './1760000000000-read-model';

/**
 * `model_info.projection`: the version of the projection code (`PROJECTION_VERSION` in projection/projector.ts) that
 * built this read model. Part of the rebuildable read model: it runs in `timeline` and in `timeline_next`.
 *
 * A model that already holds entries was built by version 1, which stored the event's business date as
 * `recorded_at` (the event store's recorded time was not read from the CloudEvent); the service sees the older
 * version on start and rebuilds the model aside from the topics (rebuild/stale-model.ts). An empty model has
 * nothing to correct: it is version 2, the version this migration was written with.
 */
export class ProjectionVersion1760000000003 implements MigrationInterface {
  name = 'ProjectionVersion1760000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`ALTER TABLE ${s}.model_info ADD COLUMN projection integer`);
    await queryRunner.query(`UPDATE ${s}.model_info SET projection = CASE WHEN EXISTS (SELECT 1 FROM ${s}.timeline_entries) THEN 1 ELSE 2 END`);
    await queryRunner.query(`ALTER TABLE ${s}.model_info ALTER COLUMN projection SET NOT NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`ALTER TABLE ${s}.model_info DROP COLUMN projection`);
  }
}
