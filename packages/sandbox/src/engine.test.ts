import { describe, expect, it } from 'vitest';
import { describeEngine, engineOptions, probeEngine } from './engine';

describe('engineOptions', () => {
  it.each([
    [{}, { socketPath: '/var/run/docker.sock' }],
    [{ DOCKER_HOST: 'unix:///run/user/1000/docker.sock' }, { socketPath: '/run/user/1000/docker.sock' }],
    [{ DOCKER_HOST: 'tcp://127.0.0.1:2375' }, { host: '127.0.0.1', port: 2375, protocol: 'http' }],
    [{ DOCKER_HOST: 'tcp://docker.internal', DOCKER_TLS_VERIFY: '1' }, { host: 'docker.internal', port: 2376, protocol: 'https' }],
  ])('%j -> %j', (env, options) => {
    expect(engineOptions(env)).toEqual(options);
  });

  it('names where it looked', () => {
    expect(describeEngine({})).toContain('/var/run/docker.sock');
    expect(describeEngine({ DOCKER_HOST: 'tcp://h:1' })).toBe('DOCKER_HOST=tcp://h:1');
  });
});

describe('probeEngine', () => {
  it('answers "no engine" with the reason instead of throwing', async () => {
    const probe = await probeEngine({ DOCKER_HOST: 'unix:///tmp/tfpairs-no-such-docker.sock' });
    expect(probe).toEqual({ ok: false, where: 'DOCKER_HOST=unix:///tmp/tfpairs-no-such-docker.sock', reason: expect.stringContaining('ENOENT') });
  });
});
