import { describe, expect, it } from 'vitest';
import { KillSwitchBoard, KillSwitchError } from './kill-switch.ts';

describe('KillSwitchBoard', () => {
  it('stops a bot by its own, its user or the platform switch, platform first', () => {
    const board = new KillSwitchBoard();
    expect(board.engagedFor('bot-1', 'alice')).toBeNull();
    board.engage({ scope: 'bot', targetId: 'bot-1', actor: 'alice', reason: 'odd fills', time: 1 });
    expect(board.engagedFor('bot-1', 'alice')?.scope).toBe('bot');
    expect(board.engagedFor('bot-2', 'alice')).toBeNull();
    board.engage({ scope: 'user', targetId: 'alice', actor: 'alice', reason: 'holiday', time: 2 });
    expect(board.engagedFor('bot-2', 'alice')?.scope).toBe('user');
    expect(board.engagedFor('bot-3', 'bob')).toBeNull();
    const platform = board.engage({
      scope: 'platform',
      actor: 'ops',
      reason: 'exchange outage',
      time: 3,
      flatten: true,
    });
    expect(board.engagedFor('bot-3', 'bob')).toBe(platform);
    expect(platform).toMatchObject({ flatten: true, serial: 3 });
  });

  it('releases explicitly and keeps an audit trail of both', () => {
    const board = new KillSwitchBoard();
    board.engage({ scope: 'bot', targetId: 'b', actor: 'alice', reason: 'test', time: 1 });
    expect(board.release('bot', 'b', 'alice', 'fixed', 2)).toBe(true);
    expect(board.release('bot', 'b', 'alice', 'again', 3)).toBe(false);
    expect(board.engagedFor('b', 'alice')).toBeNull();
    expect(board.history.map((r) => `${r.action} ${r.scope}:${r.targetId} by ${r.actor}`)).toEqual([
      'engage bot:b by alice',
      'release bot:b by alice',
    ]);
  });

  it('needs an actor, a reason and a target', () => {
    const board = new KillSwitchBoard();
    expect(() => board.engage({ scope: 'bot', actor: 'a', reason: 'r', time: 0 })).toThrow(KillSwitchError);
    expect(() => board.engage({ scope: 'user', targetId: 'u', actor: '', reason: 'r', time: 0 })).toThrow('actor');
  });
});
