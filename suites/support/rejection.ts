/**
 * The error a promise rejects with, for tests that check what an async API throws (chai alone
 * has no assertion on promises); a promise that resolves fails the test.
 *
 * Models no hardware.
 */

export async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection, but it resolved');
}
