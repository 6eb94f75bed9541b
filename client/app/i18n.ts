/**
 * The page's localisation (Lit runtime mode): English is the source locale, Chinese comes from the
 * hand-written `locales/zh-CN.ts`. The choice is remembered in localStorage and applied at start.
 * Elements use `msg()`/`str` and `@localized()` (or `updateWhenLocaleChanges`) re-exported here.
 */
import { configureLocalization } from '@lit/localize';
import { templates as zhCN } from './locales/zh-CN.js';

export { localized, msg, str, updateWhenLocaleChanges } from '@lit/localize';

/** The locales the page speaks. */
export type AppLocale = 'en' | 'zh-CN';
/** Every {@link AppLocale}, with the name each language calls itself (menus show it untranslated). */
export const LOCALES: readonly { locale: AppLocale; name: string }[] = [
  { locale: 'en', name: 'English' },
  { locale: 'zh-CN', name: '中文' },
];

const STORAGE_KEY = 'sockgate.locale';

/** Lit's locale accessors, configured for this page. */
export const { getLocale, setLocale } = configureLocalization({
  sourceLocale: 'en',
  targetLocales: ['zh-CN'],
  // One hand-written module, bundled in: switching never waits on the network.
  loadLocale: async () => ({ templates: zhCN }),
});

/** The remembered locale, else the browser's preference (any Chinese → zh-CN). */
export function preferredLocale(): AppLocale {
  const stored = safeGet(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  return (navigator.languages ?? [navigator.language]).some((l) => /^zh\b/i.test(l)) ? 'zh-CN' : 'en';
}

/** Switches the UI language now, remembers it, and sets `<html lang>`. */
export async function switchLocale(locale: AppLocale): Promise<void> {
  safeSet(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
  await setLocale(locale);
}

/** The current locale as an {@link AppLocale}. */
export function currentLocale(): AppLocale {
  return getLocale() === 'zh-CN' ? 'zh-CN' : 'en';
}

function safeGet(key: string): string | null {
  try {
    return localStorage.getItem(key);
  } catch {
    return null;
  }
}

function safeSet(key: string, value: string): void {
  try {
    localStorage.setItem(key, value);
  } catch {
    // private mode or storage full: the choice just is not remembered
  }
}
