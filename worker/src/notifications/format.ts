/**
 * A notification as a message: a subject, plain text (Telegram, email) and simple HTML (email). Amounts are printed
 * as the exact decimals they came as; user-provided text (bot names, reasons) is escaped in the HTML.
 */
import type { Notification, RenderedMessage } from './notification.ts';

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function quoteAsset(symbol: string): string {
  return symbol.split(/[-/:]/)[1] ?? '';
}

function baseAsset(symbol: string): string {
  return symbol.split(/[-/:]/)[0] ?? symbol;
}

function lines(notification: Notification): { subject: string; body: string[] } {
  switch (notification.event) {
    case 'fill': {
      const { fill } = notification;
      const quote = quoteAsset(fill.symbol);
      const verb = fill.side === 'buy' ? 'Bought' : 'Sold';
      return {
        subject: `${notification.botName}: ${verb.toLowerCase()} ${fill.qtyBase} ${baseAsset(fill.symbol)}`,
        body: [
          `${verb} ${fill.qtyBase} ${baseAsset(fill.symbol)} at ${fill.priceQuote} ${quote} (fee ${fill.feeQuote} ${quote}).`,
          `Bot: ${notification.botName} · ${fill.symbol} · candle of ${new Date(fill.time).toISOString()}`,
        ],
      };
    }
    case 'breaker':
      return {
        subject: `${notification.botName}: circuit breaker ${notification.state}`,
        body: [`The circuit breaker of ${notification.botName} is now ${notification.state}.`, notification.reason],
      };
    case 'anomaly':
      return {
        subject: `${notification.botName}: anomaly`,
        body: [`${notification.botName} saw something unusual:`, notification.description],
      };
    case 'error':
      return {
        subject: `${notification.botName}: error`,
        body: [`${notification.botName} hit an error:`, notification.message],
      };
    case 'bot_paused':
      return {
        subject: `${notification.botName}: paused`,
        body: [`${notification.botName} is paused.`, notification.reason],
      };
    case 'daily_summary': {
      const { summary } = notification;
      const bots = summary.bots.map(
        (bot) =>
          `${bot.botName}: equity ${bot.equityQuote ?? 'n/a'}, profit ${bot.profitQuote ?? 'n/a'}, fills today ${bot.fillsToday}`,
      );
      return {
        subject: `Keel daily summary ${summary.date}`,
        body: [`Your bots on ${summary.date} (${summary.timeZone}):`, ...(bots.length > 0 ? bots : ['No bots.'])],
      };
    }
  }
}

export function renderNotification(notification: Notification): RenderedMessage {
  const { subject, body } = lines(notification);
  return {
    subject,
    text: `${body.join('\n')}\n`,
    html: `<!doctype html><html><body>${body.map((line) => `<p>${escapeHtml(line)}</p>`).join('')}</body></html>`,
  };
}
