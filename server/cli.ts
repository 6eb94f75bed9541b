import { ConfigError, HELP, parseCommandLine } from './config.js';
import { startGateway } from './gateway.js';
import { GrantUsageError, runGrantCommand } from './grants/grant-cli.js';
import { attachLabs } from './labs/labs-api.js';
import { installProcessGuard } from './process-guard.js';

/** `sockgate [flags]`: starts the gateway, prints the page URL, stops cleanly on SIGINT/SIGTERM. */
async function main(): Promise<void> {
  if (process.argv[2] === 'grant') return grant(process.argv.slice(3));
  installProcessGuard();
  let options;
  try {
    options = parseCommandLine(process.argv.slice(2));
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`sockgate: ${err.message}\nRun "sockgate --help" for the options.\n`);
      process.exit(2);
    }
    throw err;
  }
  if (options.help) {
    process.stdout.write(HELP);
    return;
  }
  let gateway;
  try {
    gateway = await startGateway(options);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const hint = e.code === 'EADDRINUSE' ? ' (port in use: pick another with --port, or --port 0 for any free port)' : '';
    process.stderr.write(`sockgate: cannot start: ${e.message}${hint}\n`);
    process.exit(1);
  }
  process.stdout.write(`sockgate ready: ${gateway.url}\n`);
  process.stdout.write(`sockgate admin: ${gateway.adminUrl}\n`);
  if (gateway.token !== '' && gateway.token === gateway.adminToken) {
    process.stderr.write('sockgate: warning: --admin-token equals --token: everyone with the page link can also close pages and read /metrics\n');
  }
  const labs = attachLabs(gateway);
  if (labs.running) {
    process.stdout.write('lab services on 127.0.0.1:\n');
    for (const s of labs.list()) process.stdout.write(`  ${s.name.padEnd(9)} ${s.transport} ${s.port}  ${s.title}${s.usage.startsWith('any') ? '' : ` — ${s.usage}`}\n`);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    process.stderr.write(`sockgate: ${signal}, closing every socket and page\n`);
    gateway.close(`gateway stopped (${signal})`).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 3000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

/** `sockgate grant …`: prints what the command made; 2 for a bad command line, 1 for a failure. */
async function grant(argv: string[]): Promise<void> {
  try {
    process.stdout.write(await runGrantCommand(argv));
  } catch (err) {
    const usage = err instanceof GrantUsageError;
    process.stderr.write(`sockgate grant: ${(err as Error).message}\n${usage ? 'Run "sockgate grant --help" for the options.\n' : ''}`);
    process.exitCode = usage ? 2 : 1;
  }
}

void main();
