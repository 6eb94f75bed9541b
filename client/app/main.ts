// Entry of the page bundle: theme and language first (so the first paint is already right), then the app.
import { preferredLocale, switchLocale } from './i18n.js';
import { installTheme } from './theme.js';
import './sockgate-app.js';

installTheme();
void switchLocale(preferredLocale());
