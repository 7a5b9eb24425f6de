import type { HistoryEntry } from '../history/entry';

export const CSV_COLUMNS = [
  'position', 'recordedAt', 'occurredAt', 'source', 'streamName', 'revision', 'globalPosition', 'eventId', 'type', 'schemaVersion',
  'actorUserId', 'actorOrganisationId', 'actorAgency', 'actorRole', 'correlationId', 'causationId', 'data', 'hash', 'previousHash',
] as const;

/**
 * RFC 4180 quoting, plus a guard against spreadsheet formula injection (OWASP "CSV injection"): a cell starting with
 * = + - @ tab or carriage return is prefixed with a single quote, since auditors open these files in Excel.
 */
export function csvCell(value: unknown): string {
  let s = value === undefined || value === null ? '' : typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

export function csvRow(e: HistoryEntry): string {
  const values: unknown[] = [
    e.position, e.recordedAt, e.occurredAt, e.source, e.streamName, e.revision, e.globalPosition, e.eventId, e.type, e.schemaVersion,
    e.actor?.userId, e.actor?.organisationId, e.actor?.agency, e.actor?.role, e.correlationId, e.causationId, e.data, e.hash, e.previousHash,
  ];
  return `${values.map(csvCell).join(',')}\r\n`;
}
