import { describe, expect, it } from 'vitest';
import { FakeSocket } from '../testing/fakes';
import { LiveConnection } from './connection';

describe('LiveConnection', () => {
  it('joins a project room once, routes events by projectId, leaves when the last watcher goes', () => {
    const socket = new FakeSocket();
    const live = new LiveConnection(() => socket);
    const got: string[] = [];
    const stopA = live.watch('p1', (t, p) => got.push(`a:${t}:${JSON.stringify(p)}`));
    const stopB = live.watch('p1', (t) => got.push(`b:${t}`));
    live.watch('p2', (t) => got.push(`c:${t}`));
    expect(live.getState().status).toBe('connected');
    expect(socket.emitted.filter(([e]) => e === 'subscribe')).toEqual([
      ['subscribe', { projectId: 'p1' }],
      ['subscribe', { projectId: 'p2' }],
    ]);
    socket.fire('SHOT_UPDATED', { projectId: 'p1', seq: 1 });
    expect(got).toEqual(['a:SHOT_UPDATED:{"projectId":"p1","seq":1}', 'b:SHOT_UPDATED']);
    stopA();
    stopB();
    expect(socket.emitted.at(-1)).toEqual(['unsubscribe', { projectId: 'p1' }]);
    socket.fire('SHOT_UPDATED', { projectId: 'p1', seq: 2 });
    expect(got).toHaveLength(2);
  });

  it('listens to RULE_UPDATED, whose payload (a rule) names no project: every watcher of a joined room gets it', () => {
    const socket = new FakeSocket();
    const live = new LiveConnection(() => socket);
    const got: string[] = [];
    live.watch('p1', (t, p) => got.push(`${t}:${JSON.stringify(p)}`));
    socket.fire('RULE_UPDATED', { ruleId: 'r1', active: false });
    expect(got).toEqual(['RULE_UPDATED:{"ruleId":"r1","active":false}']);
  });

  it('after a reconnect rejoins and tells watchers to resync', () => {
    const socket = new FakeSocket();
    const live = new LiveConnection(() => socket);
    const got: string[] = [];
    live.watch('p1', (t) => got.push(t));
    socket.disconnect();
    expect(live.getState()).toEqual({ status: 'disconnected', error: 'live updates paused (io client disconnect); reconnecting' });
    socket.connect();
    expect(got).toEqual(['RESYNC']);
    expect(socket.emitted.filter(([e]) => e === 'subscribe')).toHaveLength(2);
  });

  it('notifies state listeners', () => {
    const socket = new FakeSocket();
    const live = new LiveConnection(() => socket);
    let n = 0;
    live.subscribeState(() => n++);
    live.watch('p', () => {});
    socket.fire('connect_error', new Error('refused'));
    expect(live.getState().error).toBe('live updates unavailable: refused');
    expect(n).toBeGreaterThanOrEqual(2);
  });
});
