export const TITLES = ['Mr', 'Mrs', 'Miss', 'Master', 'Rare'] as const;
export type Title = (typeof TITLES)[number];

const ALIASES: Record<string, Title> = {
  mr: 'Mr',
  mrs: 'Mrs',
  mme: 'Mrs',
  miss: 'Miss',
  mlle: 'Miss',
  ms: 'Miss',
  master: 'Master',
};

/**
 * The honorific in a Kaggle-style name ("Braund, Mr. Owen Harris" → Mr).
 * Without a usable name the title falls back to what sex and age suggest, so a client that
 * omits `name` still gets the group the model learned for people like them.
 */
export function titleOf(name: string | null | undefined, sex: 'male' | 'female', age?: number | null): Title {
  const match = name ? /,\s*(?:the\s+)?([A-Za-z]+)\s*\./.exec(name) : null;
  if (match?.[1]) {
    return ALIASES[match[1].toLowerCase()] ?? 'Rare';
  }
  if (sex === 'male') return age != null && age < 14 ? 'Master' : 'Mr';
  return age != null && age < 18 ? 'Miss' : 'Mrs';
}
