/** The public API's contract: request and response schemas shared by the edge API and the dashboard. */
export * from './account.ts';
export * from './admin.ts';
export * from './auth.ts';
export * from './bots.ts';
export * from './common.ts';
export * from './market.ts';
export * from './platform.ts';
export * from './trading.ts';
