#!/usr/bin/env node
// The kvlab command. The TypeScript sources are built to dist/ by `npm ci` (the prepare script).
// A reader that closes early (`kvlab models | head`) is not an error worth a stack trace.
process.stdout.on('error', (error) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});
let cli;
try {
  cli = await import('../dist/cli/main.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('dist')) {
    process.stderr.write('kvlab: the library is not built; run `npm ci` (or `npm run build`) in the kvlab folder\n');
    process.exit(2);
  }
  throw error;
}
process.exitCode = await cli.run(process.argv.slice(2));
