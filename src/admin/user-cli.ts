/**
 * The workspace's users from the server's command line, on the database the server uses
 * (DATABASE_URL, or the SQLite file in DATABASE_FILE). Each change is written to the audit log as
 * made from the command line.
 *
 *   npm run user:add -- <email> --role <editor|reviewer|admin> [--council]
 *   npm run user:password -- <email>
 *   npm run user:disable -- <email>      npm run user:enable -- <email>
 *
 * A password is read from standard input: typed without echo at a terminal (twice), or the first line
 * of what a script pipes in. `--council` adds someone who signs in with the council's own account
 * (OpenID Connect) and has no password. Exit codes: 0 done, 1 refused (the reason is printed), 2 usage.
 */
import { existsSync } from 'node:fs';
import { openStore } from '../store/store.js';
import { readConfig } from '../web/config.js';
import { AccountError, Accounts } from './accounts.js';
import { roles } from './roles.js';

const USAGE = `Usage:
  npm run user:add -- <email> --role <${roles.join('|')}> [--council]
  npm run user:password -- <email>
  npm run user:disable -- <email>
  npm run user:enable -- <email>
The password is read from standard input (typed without echo, or piped: its first line).`;

class UsageError extends Error {}

interface Command {
  action: 'add' | 'password' | 'disable' | 'enable';
  email: string;
  role?: string;
  council: boolean;
}

function parse(args: string[]): Command {
  const [action, ...rest] = args;
  if (action !== 'add' && action !== 'password' && action !== 'disable' && action !== 'enable') throw new UsageError(`Unknown command "${action ?? ''}".`);
  let email: string | undefined;
  let role: string | undefined;
  let council = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--role' && action === 'add') role = rest[++i];
    else if (a.startsWith('--role=') && action === 'add') role = a.slice('--role='.length);
    else if (a === '--council' && action === 'add') council = true;
    else if (!a.startsWith('--') && email === undefined) email = a;
    else throw new UsageError(`Did not understand "${a}".`);
  }
  if (!email) throw new UsageError('Give the user’s email address.');
  if (action === 'add' && !role) throw new UsageError('Give the user’s role with --role.');
  return { action, email, role, council };
}

/** One line typed at the terminal, not shown as it is typed. */
function askHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.resume();
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') {
          stdin.off('data', onData);
          stdin.setRawMode(false);
          stdin.pause();
          process.stderr.write('\n');
          resolve(value);
          return;
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\nStopped: nothing was changed.\n');
          process.exit(130);
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** The first line piped in (a script's way). */
async function readPiped(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n') || text.length > 10_000) break;
  }
  return text.split(/\r?\n/)[0] ?? '';
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const piped = await readPiped();
    if (!piped) throw new AccountError('No password was given on standard input.');
    return piped;
  }
  const first = await askHidden('Password (at least 12 characters): ');
  const again = await askHidden('The same password again: ');
  if (first !== again) throw new AccountError('The two passwords are different: nothing was changed.');
  return first;
}

async function main(): Promise<number> {
  let command: Command;
  try {
    command = parse(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`${err.message}\n\n${USAGE}`);
    return 2;
  }
  const config = readConfig();
  if (!config.databaseUrl && !existsSync(config.databaseFile)) {
    console.error(`No database at ${config.databaseFile} yet: start the server once (npm start), or set DATABASE_FILE or DATABASE_URL.`);
    return 1;
  }
  const needsPassword = command.action === 'password' || (command.action === 'add' && !command.council);
  try {
    const password = needsPassword ? await readPassword() : undefined;
    const store = await openStore(config);
    try {
      const accounts = new Accounts(store);
      if (command.action === 'add') {
        const user = await accounts.add({ email: command.email, role: command.role!, password });
        console.log(`Added ${user.email} as ${user.role}${password ? ', with a password' : ', signing in with the council account'}.`);
      } else if (command.action === 'password') {
        await accounts.setPassword(command.email, password!);
        console.log(`Set a new password for ${command.email.trim().toLowerCase()}; their sessions were ended.`);
      } else {
        const user = await accounts.setDisabled(command.email, command.action === 'disable');
        console.log(`${user.email} is ${user.disabled ? 'disabled and signed out' : 'enabled'}.`);
      }
    } finally {
      await store.close();
    }
    return 0;
  } catch (err) {
    if (!(err instanceof AccountError)) throw err;
    console.error(err.message);
    return 1;
  }
}

process.exitCode = await main();
