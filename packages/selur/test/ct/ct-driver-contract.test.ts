import { ctCli, nativeCt } from '@selur/compose-selur';
import { ctDriverContract } from '../../../compose/test/ct/ct-driver-contract.js';
import { installStandin } from './standin.js';

ctDriverContract('nativeCt', (setup) => nativeCt({ trustDir: setup.trustDir, keysDir: setup.keysDir }));

ctDriverContract('ctCli (stand-in ct)', async (setup) => {
  const standin = await installStandin(setup.workDir);
  return ctCli({ path: standin.path, env: { ...standin.env, XDG_CONFIG_HOME: setup.configHome } });
});
