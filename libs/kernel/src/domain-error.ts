/**
 * A refused business rule: the HTTP layer answers it with a 4xx naming `code` and `details`, never a 500.
 * Every library's rule errors extend it so that one filter can map them all.
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  constructor(message: string, readonly details: Record<string, unknown> = {}) {
    super(message);
    this.name = new.target.name;
  }
}
