/**
 * A loopback Telegram Bot API server (node:http) speaking the real wire format to grammy: POST /bot<token>/<method>
 * with a JSON body, answered `{ok: true, result}` or `{ok: false, error_code, description}`. It serves getMe,
 * deleteWebhook, getUpdates (offset, limit and long-poll timeout honoured) and sendMessage; tests make a chat
 * "say" something and read what the bot sent. `failSendMessage` turns sendMessage into HTTP 500s.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export const BOT_USER = { id: 777_000, is_bot: true, first_name: 'Keel', username: 'keel_test_bot' };
/** Long polls are cut short here so a test never waits out grammy's 30 s. */
const MAX_HOLD_MS = 500;

interface Update {
  update_id: number;
  message: Record<string, unknown>;
}

export interface SentMessage {
  chatId: string;
  text: string;
}

export async function startLoopbackTelegram(token: string) {
  const updates: Update[] = [];
  const sent: SentMessage[] = [];
  const waiters = new Set<() => void>();
  let nextUpdateId = 1;
  let nextMessageId = 1;
  const state = { failSendMessage: false, sendMessageCalls: 0 };

  const wake = () => {
    for (const waiter of waiters) waiter();
    waiters.clear();
  };

  async function getUpdates(params: Record<string, unknown>): Promise<Update[]> {
    const offset = Number(params.offset ?? 0);
    const limit = Number(params.limit ?? 100);
    const holdMs = Math.min(Number(params.timeout ?? 0) * 1000, MAX_HOLD_MS);
    const pending = () => updates.filter((update) => update.update_id >= offset).slice(0, limit);
    if (pending().length === 0 && holdMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, holdMs);
        waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return pending();
  }

  function reply(response: ServerResponse, status: number, body: unknown) {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
  }

  async function handle(request: IncomingMessage, response: ServerResponse) {
    const match = /^\/bot([^/]+)\/(\w+)$/.exec(request.url ?? '');
    if (match === null || match[1] !== token) {
      return reply(response, 404, { ok: false, error_code: 404, description: 'Not Found' });
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const params = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    switch (match[2]) {
      case 'getMe':
        return reply(response, 200, { ok: true, result: BOT_USER });
      case 'deleteWebhook':
        return reply(response, 200, { ok: true, result: true });
      case 'getUpdates':
        return reply(response, 200, { ok: true, result: await getUpdates(params) });
      case 'sendMessage': {
        state.sendMessageCalls++;
        if (state.failSendMessage) {
          return reply(response, 500, { ok: false, error_code: 500, description: 'Internal Server Error' });
        }
        const chatId = String(params.chat_id);
        sent.push({ chatId, text: String(params.text) });
        return reply(response, 200, {
          ok: true,
          result: {
            message_id: nextMessageId++,
            date: Math.floor(Date.now() / 1000),
            chat: { id: Number(chatId), type: 'private' },
            from: BOT_USER,
            text: params.text,
          },
        });
      }
      default:
        return reply(response, 400, { ok: false, error_code: 400, description: `Bad Request: no method ${match[2]}` });
    }
  }

  const server = createServer((request, response) => {
    handle(request, response).catch(() => reply(response, 500, { ok: false, error_code: 500, description: 'boom' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const apiRoot = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    apiRoot,
    sent,
    state,
    /** A private chat sends `text` (a leading /command is marked as a bot_command entity, as Telegram does). */
    say(chatId: number, text: string): number {
      const command = /^\/\w+/.exec(text);
      const updateId = nextUpdateId++;
      updates.push({
        update_id: updateId,
        message: {
          message_id: nextMessageId++,
          date: Math.floor(Date.now() / 1000),
          chat: { id: chatId, type: 'private', first_name: 'Trader' },
          from: { id: chatId, is_bot: false, first_name: 'Trader' },
          text,
          ...(command === null ? {} : { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] }),
        },
      });
      wake();
      return updateId;
    },
    /** What the bot sent to `chatId` after it had sent `already` messages there. */
    async replyTo(chatId: number, already: number, timeoutMs = 10_000): Promise<string> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const toChat = sent.filter((message) => message.chatId === String(chatId));
        if (toChat.length > already) return (toChat[already] as SentMessage).text;
        if (Date.now() > deadline) throw new Error(`no reply to chat ${chatId}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        wake();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type LoopbackTelegram = Awaited<ReturnType<typeof startLoopbackTelegram>>;
