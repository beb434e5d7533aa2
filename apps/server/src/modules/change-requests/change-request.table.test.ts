import { describe, expect, it } from 'vitest';
import { ChangeRequestTable } from './change-request.table.js';

const at = (seq: number, kind: string, payload: unknown, actor = 'user:a') => ({
  seq,
  time: `2026-01-0${seq}T00:00:00.000Z`,
  actor,
  kind,
  payload,
});

describe('ChangeRequestTable', () => {
  it('reads change requests written before operations as flag-environment operations', () => {
    const table = new ChangeRequestTable();
    table.apply(
      at(1, 'change-request.proposed', {
        id: 'cr_old',
        project: 'shop',
        environment: 'production',
        flag: 'checkout',
        config: { enabled: true },
        baseVersion: 7,
      }),
    );
    table.apply(at(2, 'change-request.approved', { id: 'cr_old', revision: 1 }, 'user:b'));
    table.apply(at(3, 'change-request.revised', { id: 'cr_old', config: { enabled: false }, baseVersion: 9 }));
    expect(table.get('cr_old')).toMatchObject({
      operation: { kind: 'flag-environment', flag: 'checkout', environment: 'production', config: { enabled: false } },
      environment: 'production',
      flag: 'checkout',
      config: { enabled: false },
      baseVersion: 9,
      approvals: [],
      revision: 2,
    });
  });

  it('keeps the operation, its environment and a release position; a revision replaces them', () => {
    const table = new ChangeRequestTable();
    const operation = { kind: 'release-promote', release: 'r1' };
    table.apply(
      at(1, 'change-request.proposed', {
        id: 'cr_1',
        project: 'shop',
        operation,
        environment: 'production',
        baseVersion: 12,
        baseRelease: { status: 'running', wave: 0 },
      }),
    );
    expect(table.get('cr_1')).toMatchObject({ operation, environment: 'production' });
    expect(table.get('cr_1')).not.toHaveProperty('config');
    table.apply(
      at(2, 'change-request.revised', {
        id: 'cr_1',
        operation,
        baseVersion: 15,
        baseRelease: { status: 'running', wave: 1 },
      }),
    );
    expect(table.get('cr_1')).toMatchObject({ baseVersion: 15, baseRelease: { wave: 1 }, environment: 'production' });
    table.apply(at(2, 'change-request.closed', { id: 'cr_1' }));
    expect(table.get('cr_1')?.status).toBe('open');
  });
});
