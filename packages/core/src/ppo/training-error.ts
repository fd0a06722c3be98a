/** Training cannot start: no usable candles, or options out of range. The message says which. */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}
