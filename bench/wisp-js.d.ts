// wisp-js ships JavaScript only; the bench types the few members it uses where it uses them.
declare module '@mercuryworkshop/wisp-js/client';
declare module '@mercuryworkshop/wisp-js/server';
