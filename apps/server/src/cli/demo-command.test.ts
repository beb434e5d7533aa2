import { describe, expect, it } from 'vitest';
import { recordingIo } from './fixtures/recording-io.js';
import { main } from './main.js';

/** Resolves once `predicate` holds for what the command printed (checked on every write). */
function printed(io: ReturnType<typeof recordingIo>, predicate: (text: string) => boolean): Promise<string> {
  return new Promise((resolve) => {
    const write = io.stdout;
    io.stdout = (text) => {
      write(text);
      if (predicate(io.stdoutText)) resolve(io.stdoutText);
    };
  });
}

const serverUrl = (text: string) => /Server\s+(http:\/\/\S+)/.exec(text)?.[1];

describe('wavegate demo', () => {
  it('runs a healthy and a faulty release to the end and summarises: one completed, one rolled back', async () => {
    const io = recordingIo();
    const code = await main(['demo', '--speed', '50', '--rate', '3000', '--bake', '20', '--port', '0', '--plain'], io);
    const out = io.stdoutText;
    expect(out).toMatch(/Admin token\s+wg_admin_/);
    expect(out).toMatch(/checkout-v2-rollout: running, wave 1\/4, 10%/);
    expect(out).toMatch(/✔ checkout-v2-rollout \(checkout-v2\) COMPLETED: 10% → 25% → 50% → 100%/);
    expect(out).toMatch(/✘ search-v2-rollout \(search-v2\) ROLLED BACK to 0% in wave 1 \(10%\)/);
    // The failing gate is named with its numbers: estimate, bound, threshold and samples.
    expect(out).toMatch(/ {4}(error-rate|errors-vs-control|p95-latency): .+ \[.+, .+\] against [<>] .+\(n = \d+/);
    expect(out).toMatch(/1 completed, 1 rolled back\./);
    expect(code).toBe(0);
    // The server is gone.
    await expect(fetch(`${serverUrl(out)}/health/live`)).rejects.toThrow();
  }, 90_000);

  it('stops cleanly on Ctrl-C: exit 130, a summary of where the releases were, the server closed', async () => {
    const io = recordingIo();
    const banner = printed(io, (text) => /wave 1\/4/.test(text));
    const run = main(['demo', '--speed', '20', '--port', '0', '--plain'], io);
    const text = await banner;
    io.signals.emit('SIGINT', 'SIGINT');
    expect(await run).toBe(130);
    expect(io.stdoutText).toMatch(/stopped by Ctrl-C/);
    expect(io.stderrText).toContain('Stopping the demo');
    await expect(fetch(`${serverUrl(text)}/health/live`)).rejects.toThrow();
  }, 60_000);

  it('lists every bad option at once (exit 64) and explains itself in --help', async () => {
    const io = recordingIo();
    expect(await main(['demo', '--speed', '0', '--rate', 'lots', '--port', '70000'], io)).toBe(64);
    expect(io.stderrText).toMatch(/--speed.*\n.*--rate.*\n.*--port/);
    const help = recordingIo();
    expect(await main(['demo', '--help'], help)).toBe(0);
    expect(help.stdoutText).toMatch(/healthy.*faulty|faulty.*healthy/s);
    expect(help.stdoutText).toContain('--fast');
  });
});
