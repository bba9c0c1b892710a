import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { TrainerError } from '../errors.ts';

/** sha256 of the Kaggle Titanic training file (891 rows) the registry models are trained on. */
export const TITANIC_SHA256 = '4a437fde05fe5264e1701a7387ac6fb75393772ba38bb2c9c566405af5af4bd7';

export interface DataSource {
  readonly text: string;
  readonly sha256: string;
  /** Where the bytes came from: a path or a URL. */
  readonly origin: string;
}

export interface LocateOptions {
  /** TITANIC_CSV: an explicit file wins over everything else. */
  readonly csvPath?: string | undefined;
  /** The repository root; `../shared/data/titanic.csv` is looked up beside it. */
  readonly repoRoot: string;
  /** --data-url / TITANIC_CSV_URL: only used when no local file exists. */
  readonly url?: string | undefined;
  readonly fetchImpl?: typeof fetch;
}

export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * Finds the training file: TITANIC_CSV, then ../shared/data/titanic.csv, then a download
 * whose sha256 must match the known file (a download is refused rather than trusted).
 * A local file may differ from the known file on purpose (e.g. an updated export); its
 * sha256 is recorded in model.json either way.
 */
export async function locateData(opts: LocateOptions): Promise<DataSource> {
  if (opts.csvPath) {
    const path = resolve(opts.csvPath);
    if (!existsSync(path)) throw new TrainerError(`TITANIC_CSV points to ${path}, which does not exist`);
    return fromFile(path);
  }
  const shared = resolve(opts.repoRoot, '..', 'shared', 'data', 'titanic.csv');
  if (existsSync(shared)) return fromFile(shared);
  if (!opts.url) {
    throw new TrainerError(
      `no training data: set TITANIC_CSV, place the file at ${shared}, or pass --data-url (or TITANIC_CSV_URL) to download it`,
    );
  }
  return download(opts.url, opts.fetchImpl ?? fetch);
}

function fromFile(path: string): DataSource {
  const bytes = readFileSync(path);
  return { text: bytes.toString('utf8'), sha256: sha256Hex(bytes), origin: path };
}

async function download(url: string, fetchImpl: typeof fetch): Promise<DataSource> {
  let response: Response;
  try {
    response = await fetchImpl(url);
  } catch (err) {
    throw new TrainerError(`could not download ${url}: ${(err as Error).message}`);
  }
  if (!response.ok) throw new TrainerError(`could not download ${url}: HTTP ${response.status}`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  const sha256 = sha256Hex(bytes);
  if (sha256 !== TITANIC_SHA256) {
    throw new TrainerError(
      `refusing ${url}: its sha256 is ${sha256}, expected ${TITANIC_SHA256} (the Kaggle Titanic train.csv); check the URL`,
    );
  }
  return { text: Buffer.from(bytes).toString('utf8'), sha256, origin: url };
}
