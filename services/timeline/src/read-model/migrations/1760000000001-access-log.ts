import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The access log lives in `public`: it records reads and is never rebuilt from events. */
export class AccessLog1760000000001 implements MigrationInterface {
  name = 'AccessLog1760000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE public.timeline_access_log (
      id bigserial PRIMARY KEY,
      at timestamptz NOT NULL DEFAULT now(),
      user_id text NOT NULL,
      organisation_id text NOT NULL,
      agency text NOT NULL,
      roles text[] NOT NULL,
      case_id text,
      action text NOT NULL,
      outcome text NOT NULL CHECK (outcome IN ('allowed', 'denied')),
      detail jsonb NOT NULL DEFAULT '{}'
    )`);
    await queryRunner.query(`CREATE INDEX timeline_access_log_case ON public.timeline_access_log (case_id, at)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE public.timeline_access_log`);
  }
}
