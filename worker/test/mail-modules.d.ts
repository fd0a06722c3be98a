/** The little of smtp-server and mailparser the SMTP sink uses (neither ships types; no @types are installed). */
declare module 'smtp-server' {
  import type { Server } from 'node:net';
  import type { Readable } from 'node:stream';

  interface Session {
    envelope: { rcptTo: { address: string }[] };
  }
  interface SMTPServerOptions {
    authOptional?: boolean;
    disabledCommands?: string[];
    logger?: boolean;
    onRcptTo?(address: { address: string }, session: Session, callback: (error?: Error) => void): void;
    onData?(stream: Readable, session: Session, callback: (error?: Error) => void): void;
  }
  export class SMTPServer {
    constructor(options: SMTPServerOptions);
    server: Server;
    listen(port: number, host: string, callback: () => void): void;
    once(event: 'error', listener: (error: Error) => void): void;
    close(callback: () => void): void;
  }
}

declare module 'mailparser' {
  import type { Readable } from 'node:stream';

  export interface ParsedMail {
    subject?: string;
    text?: string;
    html?: string | false;
    from?: { text: string };
  }
  export function simpleParser(source: Readable): Promise<ParsedMail>;
}
