import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, workspace } from './support/cli.js';

const DOCKER = `version: "3.8"
x-defaults: &defaults
  restart: unless-stopped
services:
  db:
    <<: *defaults
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: example
    command: ["sleep", "1000"]
  web:
    <<: *defaults
    image: nginx:1.27
    command: sleep 1000
    ports:
      - "8080:80"
    depends_on: [db]
`;

describe('selur-compose with YAML files (subprocess)', { timeout: 60_000 }, () => {
  it('finds docker-compose.yml (and its override) and prints config as YAML, TOML or JSON', async () => {
    const ws = workspace('selur-cli-yaml-');
    try {
      ws.write('docker-compose.yml', DOCKER);
      ws.write('docker-compose.override.yml', 'services:\n  web:\n    ports: !override ["9090:80"]\n');
      const yaml = await runCli(['config', '--format', 'yaml'], { cwd: ws.dir, env: ws.env });
      expect(yaml.stderr).toBe('');
      expect(yaml.code).toBe(0);
      expect(yaml.stdout).toContain('  web:\n    image: nginx:1.27\n');
      expect(yaml.stdout).toContain('    ports:\n      - "9090:80"\n');
      expect(yaml.stdout).not.toContain('8080');
      const toml = await runCli(['config'], { cwd: ws.dir, env: ws.env });
      expect(toml.stdout).toContain('[services.web]\nimage = "nginx:1.27"\n');
      const json = JSON.parse((await runCli(['config', '--format', 'json'], { cwd: ws.dir, env: ws.env })).stdout) as { services: Record<string, { restart: string }> };
      expect(json.services['db']?.restart).toBe('unless-stopped');
    } finally {
      ws.remove();
    }
  });

  it('convert: YAML → TOML into a file, and back to YAML on stdout, gives the same project', async () => {
    const ws = workspace('selur-cli-convert-');
    try {
      ws.write('docker-compose.yml', DOCKER);
      const toToml = await runCli(['convert', '-o', 'compose.toml'], { cwd: ws.dir, env: ws.env });
      expect(toToml.stderr).toBe('');
      expect(toToml.code).toBe(0);
      expect(toToml.stdout).toBe('');
      const toml = readFileSync(join(ws.dir, 'compose.toml'), 'utf8');
      expect(toml).toContain('[services.db]');
      const back = await runCli(['-f', 'compose.toml', 'convert'], { cwd: ws.dir, env: ws.env });
      expect(back.code).toBe(0);
      const original = await runCli(['-f', 'docker-compose.yml', 'config', '--format', 'yaml'], { cwd: ws.dir, env: ws.env });
      expect(back.stdout).toBe(original.stdout);
      const forced = await runCli(['-f', 'compose.toml', 'convert', '--to', 'toml'], { cwd: ws.dir, env: ws.env });
      expect(forced.stdout).toBe(toml);
      const unknown = await runCli(['convert', '-o', 'out.txt'], { cwd: ws.dir, env: ws.env });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toContain("cannot tell the format of 'out.txt'");
    } finally {
      ws.remove();
    }
  });

  it('a YAML syntax error exits 3 with file:line:column, the offending line and a caret; several files warn', async () => {
    const ws = workspace('selur-cli-yaml-bad-');
    try {
      const file = ws.write('compose.yaml', 'services:\n  web:\n    image: nginx\n    image: again\n');
      const result = await runCli(['config'], { cwd: ws.dir, env: ws.env });
      expect(result.code).toBe(3);
      const [first, source, caret] = result.stderr.split('\n');
      expect(first).toMatch(new RegExp(`^error: ${file.replace(/[/.]/g, '\\$&')}:4:5: invalid YAML: `));
      expect(source).toBe('  4 |     image: again');
      expect(caret).toMatch(/^ {4}\| {5}\^$/);
      ws.write('compose.yaml', 'services:\n  web:\n    image: nginx\n    helthcheck: {}\n');
      const typo = await runCli(['config', '-q'], { cwd: ws.dir, env: ws.env });
      expect(typo.code).toBe(3);
      expect(typo.stderr).toContain(`${file}:4:5: services.web.helthcheck: unknown field 'helthcheck'; did you mean 'healthcheck'?`);
      ws.write('compose.yaml', 'services:\n  web:\n    image: nginx\n');
      ws.write('docker-compose.yml', 'services:\n  other:\n    image: nginx\n');
      const both = await runCli(['config', '--services'], { cwd: ws.dir, env: ws.env });
      expect(both.stdout).toBe('web\n');
      expect(both.stderr).toContain(`warning: found several compose files: using ${file}, not docker-compose.yml`);
    } finally {
      ws.remove();
    }
  });

  it('convert --to kubernetes writes the manifests of a Docker Compose file (Deployments, Services) as multi-document YAML', async () => {
    const ws = workspace('selur-cli-k8s-');
    try {
      ws.write('docker-compose.yml', DOCKER.replace(/\n    <<: \*defaults/g, ''));
      const result = await runCli(['convert', '--to', 'kubernetes', '-o', 'k8s.yaml'], { cwd: ws.dir, env: ws.env });
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      const text = readFileSync(join(ws.dir, 'k8s.yaml'), 'utf8');
      const kinds = [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
      expect(kinds.filter((k) => k === 'Deployment')).toHaveLength(2);
      expect(kinds).toContain('Service');
      expect(text).toContain('image: nginx:1.27');
      // A field with no faithful mapping fails by name, never dropped.
      ws.write('docker-compose.yml', DOCKER.replace('    depends_on: [db]\n', '    depends_on: [db]\n    volumes: ["./html:/usr/share/nginx/html"]\n'));
      const refused = await runCli(['convert', '--to', 'kubernetes'], { cwd: ws.dir, env: ws.env });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/web/);
      expect(refused.stderr).toMatch(/volumes|bind/);
    } finally {
      ws.remove();
    }
  });
});
