import type { Passenger } from '@titanic/features';
import { loadTrainingCsv } from '@titanic/trainer/data/load.ts';
import { locateData } from '@titanic/trainer/data/locate.ts';

const REPO_ROOT = new URL('../../../', import.meta.url).pathname;

/** Passengers as the model saw them in training: the closest thing to normal traffic. */
export async function trainingPassengers(): Promise<Passenger[]> {
  return (await trainingRows()).map((row) => row.passenger);
}

/** A population the model never saw: elderly first-class passengers with high fares. */
export function skewedPassengers(count: number): Passenger[] {
  return Array.from({ length: count }, (_, i) => ({
    pclass: 1,
    sex: i % 2 === 0 ? 'male' : 'female',
    age: 80,
    sibsp: 0,
    parch: 0,
    fare: 500,
    embarked: 'C',
  }));
}

/** POSTs a JSON body to the service; anything but a 2xx fails with the service's answer. */
async function post(
  baseUrl: string,
  path: string,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): Promise<Response> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} answered ${res.status}: ${await res.text()}`);
  return res;
}

/**
 * Sends passengers in batches through the friendly API; every request must succeed. `headers` carry
 * the API key where the server requires one.
 */
export async function predict(
  baseUrl: string,
  passengers: readonly Passenger[],
  batch = 50,
  headers: Readonly<Record<string, string>> = {},
): Promise<void> {
  for (let i = 0; i < passengers.length; i += batch)
    await post(baseUrl, '/v1/predict', { passengers: passengers.slice(i, i + batch) }, headers);
}

/**
 * Predicts the passengers in batches, then reports an outcome for each: `outcome` gets the
 * passenger's index and the served probability.
 */
export async function predictAndLabel(
  baseUrl: string,
  passengers: readonly Passenger[],
  outcome: (index: number, probability: number) => boolean,
  batch = 50,
): Promise<void> {
  for (let i = 0; i < passengers.length; i += batch) {
    const res = await post(baseUrl, '/v1/predict', { passengers: passengers.slice(i, i + batch) });
    const answer = (await res.json()) as { requestId: string; predictions: { probability: number }[] };
    const feedback = answer.predictions.map((p, index) => ({
      requestId: answer.requestId,
      index,
      survived: outcome(i + index, p.probability),
    }));
    await post(baseUrl, '/v1/feedback', { feedback });
  }
}

/** The training file, read and parsed once per test file however often traffic is sent. */
let rows: Promise<{ passenger: Passenger; survived: 0 | 1 }[]> | undefined;

/** Training passengers with their true outcomes. */
export function trainingRows(): Promise<{ passenger: Passenger; survived: 0 | 1 }[]> {
  rows ??= locateData({ csvPath: process.env.TITANIC_CSV, repoRoot: REPO_ROOT }).then((source) =>
    loadTrainingCsv(source.text, source.origin),
  );
  return rows;
}
