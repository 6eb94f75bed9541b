// The admin page's entry: theme and language first, then the element.
import { preferredLocale, switchLocale } from './admin-i18n.js';
import { installTheme } from '../app/theme.js';
import './sockgate-admin.js';

installTheme();
void switchLocale(preferredLocale());
