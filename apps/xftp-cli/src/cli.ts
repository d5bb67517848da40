// The `xftp` command line: send, recv, del and info, with the options and outputs of upstream's
// XFTP CLI (`FileTransfer/Client/Main.hs: xftpClientCLI`, `cliSendFile`, `cliReceiveFile`,
// `cliDeleteFile`, `cliFileDescrInfo`). Exit codes: 0 done, 1 the transfer failed, 2 bad usage.
import { rm } from 'node:fs/promises';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import {
  DEFAULT_RETRY_COUNT,
  deleteFile,
  encodeFileSize,
  formatXftpServer,
  receiveFile,
  sendFile,
  writeFileDescriptions,
} from '@simplex-relay/xftp-client';
import { readDescription } from './description-input.ts';
import { progressBar } from './progress.ts';
import { DEFAULT_XFTP_SERVERS, parseServerOptions } from './servers.ts';

/** Exit codes. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** Where the CLI writes (tests pass their own). */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
}

const stdio: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
};

const positiveInt = (what: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`${what} must be a positive integer`);
  return n;
};
const collect = (v: string, acc: string[]): string[] => [...acc, v];

interface Common {
  readonly retry: number;
  readonly tmp?: string;
  readonly progress: boolean;
}

function program(io: CliIo): Command {
  const p = new Command('xftp')
    .description('Send and receive files through XFTP relays (SimpleX file transfer protocol).')
    .version('0.1.0')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.trimEnd()),
      writeErr: (s) => io.err(s.trimEnd()),
    });
  const retry = new Option('-r, --retry <n>', 'attempts per network operation')
    .argParser(positiveInt('retry'))
    .default(DEFAULT_RETRY_COUNT);
  const tmp = new Option(
    '--tmp <dir>',
    'directory for the temporary encrypted file (default: system temp)',
  );
  const noProgress = new Option('--no-progress', 'do not show a progress bar');

  p.command('send')
    .description('encrypt and upload a file, write the file descriptions')
    .argument('<file>', 'file to send')
    .argument('[dir]', 'directory for the file descriptions (default: current directory)')
    .addOption(
      new Option('-s, --servers <server>', 'XFTP server(s), repeatable or ";"-separated')
        .argParser(collect)
        .default([], 'the preset servers'),
    )
    .addOption(
      new Option('-n, --recipients <count>', 'number of recipients')
        .argParser(positiveInt('recipients'))
        .default(1),
    )
    .addOption(retry)
    .addOption(tmp)
    .addOption(noProgress)
    .action(
      async (
        file: string,
        dir: string | undefined,
        o: Common & { servers: string[]; recipients: number },
      ) => {
        const servers = parseServerOptions(o.servers.length > 0 ? o.servers : DEFAULT_XFTP_SERVERS);
        const bar = progressBar('Uploading', o.progress);
        let sent;
        try {
          sent = await sendFile(file, servers, {
            numRecipients: o.recipients,
            retries: o.retry,
            ...(o.tmp !== undefined && { tempDir: o.tmp }),
            onProgress: bar.onProgress,
          });
        } finally {
          bar.stop();
        }
        const w = await writeFileDescriptions(dir ?? '.', sent);
        io.out(`Sender file description: ${w.senderPath}`);
        io.out('Pass file descriptions to the recipient(s):');
        for (const p2 of w.recipientPaths) io.out(p2);
        if (sent.webLink !== undefined) io.out(`\nWeb link:\n${sent.webLink}`);
      },
    );

  p.command('recv')
    .description('download and decrypt a file')
    .argument('<description>', 'recipient file description (file), or a web or simplex: link')
    .argument('[dir]', 'directory to save the file (default: current directory)')
    .option('-o, --out <dir>', 'directory to save the file (same as [dir])')
    .option('-y, --yes', 'delete the file description after receiving')
    .addOption(retry)
    .addOption(tmp)
    .addOption(noProgress)
    .action(
      async (arg: string, dir: string | undefined, o: Common & { out?: string; yes?: boolean }) => {
        const input = await readDescription(arg, 'recipient');
        const bar = progressBar('Downloading', o.progress);
        let got;
        try {
          got = await receiveFile(input.description, o.out ?? dir ?? '.', {
            retries: o.retry,
            ...(o.tmp !== undefined && { tempDir: o.tmp }),
            onProgress: bar.onProgress,
          });
        } finally {
          bar.stop();
        }
        io.out(`File downloaded: ${got.path}`);
        if (got.ackFailures > 0)
          io.err(`warning: ${got.ackFailures} chunk(s) could not be acknowledged`);
        await offerRemoval(io, input.path, o.yes === true);
      },
    );

  p.command('del')
    .description('delete a sent file from the server(s)')
    .argument('<description>', 'sender file description (snd.xftp.private)')
    .option('-y, --yes', 'delete the file description too')
    .addOption(retry)
    .addOption(noProgress)
    .action(async (arg: string, o: Common & { yes?: boolean }) => {
      const input = await readDescription(arg, 'sender');
      const bar = progressBar('Deleting', o.progress);
      try {
        await deleteFile(input.description, { retries: o.retry, onProgress: bar.onProgress });
      } finally {
        bar.stop();
      }
      io.out('File deleted!');
      await offerRemoval(io, input.path, o.yes === true);
    });

  p.command('info')
    .description('show a file description')
    .argument('<description>', 'file description (file) or link')
    .action(async (arg: string) => {
      const { description: fd } = await readDescription(arg);
      io.out(fd.party === 'recipient' ? 'Recipient file description' : 'Sender file description');
      io.out(`File download size: ${encodeFileSize(fd.size)}`);
      io.out('File server(s):');
      const perServer = new Map<string, number>();
      for (const ch of fd.chunks)
        for (const r of ch.replicas) {
          const k = formatXftpServer(r.server);
          perServer.set(k, (perServer.get(k) ?? 0) + ch.chunkSize);
        }
      for (const [srv, n] of perServer) io.out(`${srv}: ${encodeFileSize(n)}`);
    });
  return p;
}

// Upstream asks "can't be used again. Delete it (Y/n)"; without a terminal prompt this CLI deletes
// only with --yes and otherwise says so.
async function offerRemoval(io: CliIo, path: string | undefined, yes: boolean): Promise<void> {
  if (path === undefined) return;
  if (yes) {
    await rm(path, { force: true });
    io.out(`File description ${path} is deleted.`);
  } else io.out(`File description ${path} can't be used again (pass --yes to delete it).`);
}

/** Runs the CLI on `argv` (without node and script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CliIo = stdio): Promise<number> {
  try {
    await program(io).parseAsync([...argv], { from: 'user' });
    return EXIT_OK;
  } catch (e) {
    if (e instanceof CommanderError)
      return e.exitCode === 0 || e.code === 'commander.helpDisplayed' ? EXIT_OK : EXIT_USAGE;
    io.err(`error: ${e instanceof Error ? e.message : String(e)}`);
    return EXIT_FAILED;
  }
}
