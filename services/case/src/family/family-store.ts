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
  {
    version: 2,
    name: 'public requests: duplicate claims and used form tokens',
    sql: `
      -- a request without an Idempotency-Key: the keyed digest of what makes it the same request, and the case it made
      CREATE TABLE family.public_request_claims (
        fingerprint  text PRIMARY KEY,
        case_id      uuid NOT NULL,
        claimed_at   timestamptz NOT NULL DEFAULT now()
      );
      -- each form token makes one request: its nonce and that request's case
      CREATE TABLE family.form_token_uses (
        nonce    text PRIMARY KEY,
        case_id  uuid NOT NULL,
        used_at  timestamptz NOT NULL DEFAULT now()
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

  /**
   * Claims `fingerprint` for `caseId` unless another case claimed it less than `windowHours` ago: answers the case
   * holding the claim (this one, or the earlier request's). Claims past the window are forgotten.
   */
  async claimPublicRequest(fingerprint: string, caseId: string, windowHours: number): Promise<{ caseId: string; claimedAt: Date }> {
    await this.pool.query("DELETE FROM family.public_request_claims WHERE claimed_at < now() - $1::float8 * interval '1 hour'", [windowHours]);
    await this.pool.query(
      `INSERT INTO family.public_request_claims (fingerprint, case_id) VALUES ($1, $2)
       ON CONFLICT (fingerprint) DO UPDATE SET case_id = EXCLUDED.case_id, claimed_at = now()
       WHERE family.public_request_claims.claimed_at < now() - $3::float8 * interval '1 hour'`,
      [fingerprint, caseId, windowHours],
    );
    const { rows } = await this.pool.query<{ case_id: string; claimed_at: Date }>('SELECT case_id, claimed_at FROM family.public_request_claims WHERE fingerprint = $1', [fingerprint]);
    return { caseId: rows[0]?.case_id ?? caseId, claimedAt: rows[0]?.claimed_at ?? new Date() };
  }

  /** Uses a form token's nonce for `caseId`: true when it is this case's (first use, or a retry of the same request). */
  async useFormToken(nonce: string, caseId: string): Promise<boolean> {
    // a token lives 2 hours: a nonce used a day ago cannot come back
    await this.pool.query("DELETE FROM family.form_token_uses WHERE used_at < now() - interval '1 day'");
    await this.pool.query('INSERT INTO family.form_token_uses (nonce, case_id) VALUES ($1, $2) ON CONFLICT (nonce) DO NOTHING', [nonce, caseId]);
    const { rows } = await this.pool.query<{ case_id: string }>('SELECT case_id FROM family.form_token_uses WHERE nonce = $1', [nonce]);
    return rows[0]?.case_id === caseId;
  }

  async addPublicRequest(reference: string, caseId: string): Promise<void> {
    await this.pool.query('INSERT INTO family.public_requests (reference, case_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [reference, caseId]);
  }
}
