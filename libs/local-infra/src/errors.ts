/**
 * A missing prerequisite or an environment problem that the user can fix. The CLI prints only its message (no
 * stack trace): it must say what is missing and how to fix it or which variable to set instead.
 */
export class InfraPrerequisiteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InfraPrerequisiteError';
  }
}
