import type { MigrationInterface, QueryRunner } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

/** The schema this migration runs in: `timeline` for the live model, `timeline_next` while a rebuild builds aside. */
export function schemaOf(queryRunner: QueryRunner): string {
  return (queryRunner.connection.options as PostgresConnectionOptions).schema ?? 'timeline';
}

export class ReadModel1760000000000 implements MigrationInterface {
  name = 'ReadModel1760000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    await queryRunner.query(`CREATE TABLE ${s}.timeline_entries (
      source_event_id text COLLATE "C" PRIMARY KEY,
      case_id text COLLATE "C" NOT NULL,
      seq integer NOT NULL,
      arrival integer NOT NULL,
      kind text NOT NULL,
      title text NOT NULL,
      summary text NOT NULL,
      agency text NOT NULL,
      actor_user_id text NOT NULL,
      actor_organisation_id text NOT NULL,
      actor_agency text NOT NULL,
      actor_role text NOT NULL,
      occurred_at timestamptz NOT NULL,
      recorded_at timestamptz NOT NULL,
      details jsonb NOT NULL,
      source_event_type text NOT NULL,
      source_topic text NOT NULL,
      source_partition integer NOT NULL,
      source_offset bigint NOT NULL,
      projected_at timestamptz NOT NULL,
      CONSTRAINT timeline_entries_case_seq UNIQUE (case_id, seq) DEFERRABLE INITIALLY DEFERRED,
      CONSTRAINT timeline_entries_case_arrival UNIQUE (case_id, arrival)
    )`);
    await queryRunner.query(`CREATE INDEX timeline_entries_order ON ${s}.timeline_entries (case_id, occurred_at, recorded_at, source_event_id)`);
    await queryRunner.query(`CREATE TABLE ${s}.timeline_cases (
      case_id text COLLATE "C" PRIMARY KEY,
      entry_count integer NOT NULL,
      first_occurred_at timestamptz NOT NULL,
      last_occurred_at timestamptz NOT NULL
    )`);
    await queryRunner.query(`CREATE TABLE ${s}.case_members (
      case_id text COLLATE "C" NOT NULL,
      organisation_id text COLLATE "C" NOT NULL,
      agency text NOT NULL,
      reason text NOT NULL,
      since_event_id text COLLATE "C" NOT NULL,
      since_occurred_at timestamptz NOT NULL,
      PRIMARY KEY (case_id, organisation_id)
    )`);
    await queryRunner.query(`CREATE INDEX case_members_organisation ON ${s}.case_members (organisation_id, case_id)`);
    await queryRunner.query(`CREATE TABLE ${s}.model_info (id integer PRIMARY KEY, generation integer NOT NULL, built_at timestamptz NOT NULL)`);
    await queryRunner.query(`INSERT INTO ${s}.model_info (id, generation, built_at) VALUES (1, 1, now())`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const s = `"${schemaOf(queryRunner)}"`;
    for (const t of ['model_info', 'case_members', 'timeline_cases', 'timeline_entries']) await queryRunner.query(`DROP TABLE ${s}.${t}`);
  }
}
