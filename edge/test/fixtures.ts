/** A user with something of everything: bots, orders, fills, decisions, equity, positions, models, settings. */
import { randomUUID } from 'node:crypto';
import { credentialTransportContext, encryptForServer } from '@keel/db';
import { type Harness, json, signUp, type TestUser } from './harness.ts';

export interface Tenant extends TestUser {
  botId: string;
  clientOrderId: string;
  backtestId: string;
  modelId: string;
  channelId: string;
  apiTokenId: string;
  allowlistId: string;
  credentialId: string;
}

export async function credentialBody(h: Harness, userId: string, label = `key-${randomUUID().slice(0, 8)}`) {
  const envelope = await encryptForServer(
    h.transportPublicKey,
    JSON.stringify({ apiKey: 'AKIAEXAMPLEKEY1234', secret: 'super-secret-value-0001' }),
    credentialTransportContext(userId),
  );
  return { exchange: 'binance', label, envelope };
}

async function created(response: Response, what: string): Promise<Record<string, unknown>> {
  if (response.status >= 300) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return json(response);
}

export async function makeTenant(h: Harness, label: string): Promise<Tenant> {
  const user = await signUp(h, label);
  const as = { token: user.token };
  const bot = await created(
    await h.request('POST', '/v1/bots', { ...as, body: { name: `${label} bot`, symbols: ['BTC-USDT', 'ETH-USDT'] } }),
    'bot',
  );
  const botId = bot.id as string;
  const order = await created(
    await h.request('POST', '/v1/orders', {
      ...as,
      body: { botId, symbol: 'BTC-USDT', side: 'buy', type: 'limit', qtyBase: '0.5', limitPrice: '50000' },
    }),
    'order',
  );
  const clientOrderId = order.clientOrderId as string;
  const backtest = await created(
    await h.request('POST', '/v1/backtests', { ...as, body: { symbols: ['BTC-USDT'], strategy: 'sma-cross' } }),
    'backtest',
  );
  const channel = await created(
    await h.request('POST', '/v1/notification-channels', {
      ...as,
      body: { kind: 'email', target: `${label}@edge.test`, events: ['fill'] },
    }),
    'channel',
  );
  const apiToken = await created(
    await h.request('POST', '/v1/api-tokens', { ...as, body: { name: `${label} token`, scopes: ['read'] } }),
    'api token',
  );
  const allow = await created(
    await h.request('POST', '/v1/ip-allowlist', { ...as, body: { cidr: '0.0.0.0/0', note: 'anywhere' } }),
    'allowlist',
  );
  const credential = await created(
    await h.request('POST', '/v1/credentials', { ...as, body: await credentialBody(h, user.userId) }),
    'credential',
  );
  // What only the worker and the training service write: through the service role, as they will.
  const now = Date.now();
  const modelId = await h.deps.database.asService(async (tx) => {
    const fillOrderId = `f-${randomUUID().slice(0, 20)}`;
    await tx.orders.persist({
      userId: user.userId,
      botId,
      clientOrderId: fillOrderId,
      symbol: 'ETH-USDT',
      side: 'buy',
      type: 'market',
      qtyBase: '2',
      reason: 'fixture',
    });
    await tx.fills.insertMany([
      {
        userId: user.userId,
        botId,
        clientOrderId: fillOrderId,
        symbol: 'ETH-USDT',
        side: 'buy',
        tradeId: 't1',
        time: now - 7200_000,
        priceQuote: '3000',
        qtyBase: '1',
        feeQuote: '1',
        liquidity: 'taker',
      },
      {
        userId: user.userId,
        botId,
        clientOrderId: fillOrderId,
        symbol: 'ETH-USDT',
        side: 'buy',
        tradeId: 't2',
        time: now - 3600_000,
        priceQuote: '3100',
        qtyBase: '1',
        feeQuote: '1',
        liquidity: 'taker',
      },
    ]);
    await tx.decisions.insert({
      userId: user.userId,
      botId,
      time: now - 3600_000,
      symbol: 'ETH-USDT',
      action: 'buy',
      confidence: 0.8,
      rationale: {
        regime: 'trend',
        chosenAgent: 'balanced',
        votes: [{ agent: 'balanced', action: 'buy', confidence: 0.8 }],
        topFeatures: [{ name: 'rsi_14', contribution: 0.3 }],
        riskVerdict: { kind: 'approve', reasons: [] },
      },
    });
    await tx.equity.insertMany(
      [48, 30, 20, 10, 1].map((hoursAgo, i) => ({
        userId: user.userId,
        botId,
        time: now - hoursAgo * 3600_000,
        equityQuote: String(10_000 + i * 50 - (i === 3 ? 300 : 0)),
        cashQuote: '4000',
      })),
    );
    await tx.positions.upsert({
      userId: user.userId,
      botId,
      symbol: 'ETH-USDT',
      qtyBase: '2',
      avgEntryPriceQuote: '3050',
      realizedPnlQuote: '0',
    });
    const model = await tx.models.register({ userId: user.userId, name: `${label}-ppo`, version: 1, kind: 'ppo' });
    return model.id;
  });
  return {
    ...user,
    botId,
    clientOrderId,
    backtestId: backtest.id as string,
    modelId,
    channelId: channel.id as string,
    apiTokenId: apiToken.id as string,
    allowlistId: allow.id as string,
    credentialId: credential.id as string,
  };
}
