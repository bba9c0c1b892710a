/**
 * The one error type the trainer throws on purpose: bad input, bad flags, a data file that
 * does not match. `main.ts` prints its message without a stack trace and exits non-zero.
 */
export class TrainerError extends Error {
  override readonly name = 'TrainerError';
  constructor(
    message: string,
    readonly details: readonly string[] = [],
  ) {
    super(details.length ? `${message}\n${details.map((d) => `  - ${d}`).join('\n')}` : message);
  }
}
