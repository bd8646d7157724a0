import type { FieldError } from '../../../platform/http/errors.js';

/** A file that cannot be imported as a whole (not a row of it): reported at `/file` (or the line that breaks it) with a message key. */
export class FileProblem extends Error {
  constructor(
    readonly key: string,
    readonly values: Record<string, unknown> = {},
    readonly pointer = '/file',
  ) {
    super(key);
    this.name = 'FileProblem';
  }

  get field(): FieldError {
    return { pointer: this.pointer, key: this.key, values: this.values };
  }
}
