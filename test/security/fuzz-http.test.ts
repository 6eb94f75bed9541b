/** `npm test`: 10,000 HTTP/upgrade fuzz cases (SOCKGATE_FUZZ_HTTP_CASES for another count; `npm run soak` runs 200,000). */
import { defineHttpFuzz } from './fuzz-http-suite.js';

defineHttpFuzz(Number(process.env.SOCKGATE_FUZZ_HTTP_CASES ?? 10_000));
