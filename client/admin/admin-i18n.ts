/**
 * The admin page's localisation: its own Lit localize runtime (one per bundle) with its own
 * Chinese table, sharing the app's remembered choice so both pages speak the same language.
 */
import { configureLocalization } from '@lit/localize';
import { templates as zhCN } from './locales/zh-CN.js';

export { localized, msg, str } from '@lit/localize';

/** The admin page's locales, as the app's language menu names them. */
export const LOCALES: readonly { locale: 'en' | 'zh-CN'; name: string }[] = [
  { locale: 'en', name: 'English' },
  { locale: 'zh-CN', name: '中文' },
];

const STORAGE_KEY = 'sockgate.locale';

/** Lit's locale accessors, configured for the admin page. */
export const { getLocale, setLocale } = configureLocalization({
  sourceLocale: 'en',
  targetLocales: ['zh-CN'],
  loadLocale: async () => ({ templates: zhCN }),
});

/** The remembered locale (shared with the app), else the browser's preference. */
export function preferredLocale(): 'en' | 'zh-CN' {
  let stored: string | null = null;
  try {
    stored = localStorage.getItem(STORAGE_KEY);
  } catch {
    // storage unavailable
  }
  if (stored === 'en' || stored === 'zh-CN') return stored;
  return (navigator.languages ?? [navigator.language]).some((l) => /^zh\b/i.test(l)) ? 'zh-CN' : 'en';
}

/** Switches the language now, remembers it, and sets `<html lang>`. */
export async function switchLocale(locale: 'en' | 'zh-CN'): Promise<void> {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // private mode: the choice just is not remembered
  }
  document.documentElement.lang = locale;
  await setLocale(locale);
}
