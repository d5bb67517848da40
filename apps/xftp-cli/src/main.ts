// `xftp` entry point: runs the CLI on the process arguments and exits with its code.
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
