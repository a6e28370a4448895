import { Harness } from './harness';

// Two automations on one Identity Center instance (the delegated-admin layout invites a second one,
// and teams run their own): each owns the pairs its rules name, and a pair both name is left to the
// one that claimed it first, so they never undo each other's work, run after run.

jest.setTimeout(60_000);

describe('neighbours on one instance', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await Harness.start({ organization: { accounts: 6, groups: 3, permissionSets: 2, seed: 3 } });
  });
  afterEach(async () => h.stop());

  const accounts = () => h.sim.organizations.accounts().filter((a) => a.status === 'ACTIVE');

  test('a pair both automations name is left to the first; each keeps its own pairs; neither deletes the other\'s', async () => {
    const second = await h.neighbour('team-b-assignments');
    const [g0, g1] = h.fixture.groups;
    const [ps] = h.fixture.permissionSets;
    const [a1, a2, a3] = accounts();
    // The first automation: group 0 in a1 (a pair both will name) and group 1 in a2 (its own).
    h.putConfig([
      { principal: { group: g0.displayName }, permissionSet: ps.name, target: { account: a1.name } },
      { principal: { group: g1.displayName }, permissionSet: ps.name, target: { account: a2.name } },
    ]);
    expect((await h.apply()).counts.created).toBe(2);

    // The second names group 0 with the same permission set, in a3 only.
    h.putConfig([{ principal: { group: g0.displayName }, permissionSet: ps.name, target: { account: a3.name } }], {}, [], 'team-b-assignments');
    const b = await h.apply({ env: second });

    // Without claims it would delete group 0's assignment in a1 (its pair, not wanted there) and create a3.
    expect(b.counts.created + b.counts.deleted).toBe(0);
    expect(b.notices).toEqual([expect.stringMatching(
      new RegExp(`1 pair\\(s\\) .* also claimed by automation 'identity-center-assignments' on this instance, which claimed them first.*${g0.displayName}`),
    )]);
    expect(h.live()).toEqual([`${g0.displayName}:${ps.name}@${a1.name}`, `${g1.displayName}:${ps.name}@${a2.name}`].sort());

    // Run after run, neither moves: the first still converged, the second still defers.
    expect((await h.apply()).counts).toMatchObject({ created: 0, deleted: 0 });
    expect((await h.apply({ env: second })).counts).toMatchObject({ created: 0, deleted: 0 });

    // Once the first lets go of the pair (its rule removed, assignment deleted), the second takes it over.
    h.putConfig([{ principal: { group: g1.displayName }, permissionSet: ps.name, target: { account: a2.name } }]);
    expect((await h.apply()).counts.deleted).toBe(1);
    const taken = await h.apply({ env: second });
    expect(taken.counts.created).toBe(1);
    expect(h.live()).toEqual([`${g0.displayName}:${ps.name}@${a3.name}`, `${g1.displayName}:${ps.name}@${a2.name}`].sort());
  });

  test('claims that cannot be read stop every deletion, and say why', async () => {
    const [g0] = h.fixture.groups;
    const [ps] = h.fixture.permissionSets;
    const [a1, a2] = accounts();
    h.putConfig([{ principal: { group: g0.displayName }, permissionSet: ps.name, target: { account: a1.name } }]);
    await h.apply();
    // Another automation's claims document is there but unreadable (a chunk lost).
    h.sim.ssm.put(`/cdk-identity-center-permissions/claims/${h.fixture.instanceArn.split('/').pop()}/other/head`, JSON.stringify({ revision: 'x', chunks: 1 }));
    h.putConfig([{ principal: { group: g0.displayName }, permissionSet: ps.name, target: { account: a2.name } }]);

    const report = await h.apply();

    expect(report.counts.deleted).toBe(0);
    expect(report.refusals[0].message).toMatch(/the claims of the other automations on this instance could not be read/);
    expect(h.live()).toContain(`${g0.displayName}:${ps.name}@${a1.name}`);
  });
});
