/** A size the memory formulas cannot take, named by its field so callers can point at the flag or cell. */
export class MemoryInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'MemoryInputError';
  }
}
