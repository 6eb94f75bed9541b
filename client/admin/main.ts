// The admin page's entry: boot (theme, language) first, then the element.
import './boot.js';
import './sockgate-admin.js';
