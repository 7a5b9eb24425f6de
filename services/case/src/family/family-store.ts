import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import type { Pool } from 'pg';
import { runSqlMigrations, type SqlMigration } from '@tio/event-store';
import { PG_POOL } from '@tio/service-kit';

/**
 * The case service's small family read model (schema `family`): which case and invitation a code's digest belongs to
 * (a family member who signs in knows only their code, not the case), and the references given to public requests.
 * No personal data: digests, ids and dates. A row is written before its invitation is recorded, so a code that is
 * found always points at an invitation the case's decider then checks (expired, used, unknown: refused there).
 */
const MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'invitation codes and public request references',
    sql: `
      CREATE TABLE family.invitation_codes (
        code_digest    text PRIMARY KEY,
        case_id        uuid NOT NULL,
        invitation_id  uuid NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE family.public_requests (
        reference    text PRIMARY KEY,
        case_id      uuid NOT NULL UNIQUE,
        received_at  timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
];

@Injectable()
export class FamilyStore implements OnModuleInit {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onModuleInit(): Promise<void> {
    await runSqlMigrations(this.pool, MIGRATIONS, { schema: 'family', table: 'family.migrations', lockKey: "hashtext('family.migrations')" });
  }

  async addCode(digest: string, caseId: string, invitationId: string): Promise<void> {
    await this.pool.query('INSERT INTO family.invitation_codes (code_digest, case_id, invitation_id) VALUES ($1, $2, $3) ON CONFLICT (code_digest) DO NOTHING', [digest, caseId, invitationId]);
  }

  async findCode(digest: string): Promise<{ caseId: string; invitationId: string } | undefined> {
    const { rows } = await this.pool.query<{ case_id: string; invitation_id: string }>('SELECT case_id, invitation_id FROM family.invitation_codes WHERE code_digest = $1', [digest]);
    return rows[0] && { caseId: rows[0].case_id, invitationId: rows[0].invitation_id };
  }

  async addPublicRequest(reference: string, caseId: string): Promise<void> {
    await this.pool.query('INSERT INTO family.public_requests (reference, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [reference, caseId]);
  }
}
