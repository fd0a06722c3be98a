/** A model that cannot be used: missing, corrupt, or made for another feature set. The message says which file and why. */
export class ModelError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelError';
  }
}
