// Theme and language before the element is defined: defining it upgrades the <sockgate-admin>
// already in the document, which reads the theme then.
import { preferredLocale, switchLocale } from './admin-i18n.js';
import { installTheme } from '../app/theme.js';

installTheme();
void switchLocale(preferredLocale());
