/** `npm run soak`: the HTTP/upgrade fuzz suites at 200,000 cases (SOCKGATE_FUZZ_HTTP_CASES overrides). */
import { defineHttpFuzz } from '../security/fuzz-http-suite.js';

defineHttpFuzz(Number(process.env.SOCKGATE_FUZZ_HTTP_CASES ?? 200_000));
