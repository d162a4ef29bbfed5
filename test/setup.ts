/** Root hooks: close the shared test databases once, after the whole run. */
import { closeAll } from './helpers/databases.ts';

export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(30_000);
    await closeAll();
  },
};
