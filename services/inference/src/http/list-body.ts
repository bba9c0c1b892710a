import { z } from 'zod';

/**
 * A request body holding one list and nothing else: `{ <key>: [1 to max items] }`, each refusal
 * naming the field and the bound, e.g. "passengers must hold at most 10000 passengers".
 */
export function listBody<K extends string, T extends z.ZodType>(
  key: K,
  item: T,
  limits: { readonly max: number; readonly one: string; readonly many: string },
) {
  const { max, one, many } = limits;
  const list = z
    .array(item, { error: `${key} must be a list of ${many}` })
    .min(1, `${key} must hold at least one ${one}`)
    .max(max, `${key} must hold at most ${max} ${many}`);
  return z.object({ [key]: list } as Record<K, typeof list>).strict();
}
