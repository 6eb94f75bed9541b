/**
 * Entry of the served `/sockgate/polyfill.js` (an IIFE bundle): installs the polyfill with the
 * gateway and token taken from the script's own URL, `…/sockgate/polyfill.js?token=T`, so the
 * served file holds no secret. `globalThis.sockgate` is the {@link Polyfill} handle.
 */
import { installPolyfill } from './polyfill.js';

const script = (globalThis as { document?: { currentScript?: { src?: string } | null } }).document?.currentScript;
if (!script?.src) {
  // A module script or a copy pasted inline has no currentScript URL to learn the gateway from.
  throw new Error('sockgate polyfill: load it as <script src="http://GATEWAY/sockgate/polyfill.js?token=T">, or call installPolyfill({url, token})');
}
const src = new URL(script.src);
const token = src.searchParams.get('token') ?? undefined;
const pageOrigin = (globalThis as { location?: { origin?: string } }).location?.origin;
// On the gateway's own page without ?token= the defaults (page's ?token=, the cookie) apply.
const sameOrigin = pageOrigin === src.origin;
(globalThis as { sockgate?: unknown }).sockgate = installPolyfill(sameOrigin && token === undefined ? {} : { url: src.origin, token });
