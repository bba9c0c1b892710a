/** The registry folder of a checkout; entries live in `models/<name>/<version>/`. */
export const MODELS_DIR = 'models';

/** File names inside an entry. The ONNX file name is also recorded in model.json (`files.onnx.path`). */
export const MODEL_FILES = { metadata: 'model.json', onnx: 'model.onnx' } as const;

/** `models/<name>/<version>`: POSIX and relative to the checkout, as git and the GitHub API name it. */
export function modelEntryDir(name: string, version: string): string {
  return `${MODELS_DIR}/${name}/${version}`;
}

/** `models/<name>/<version>/<file>`. */
export function modelEntryPath(name: string, version: string, file: string): string {
  return `${modelEntryDir(name, version)}/${file}`;
}
