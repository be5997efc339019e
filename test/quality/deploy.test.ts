import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadApiConfig } from '../../api/src/config.js';

// The production-like topology (docker-compose.yml behind deploy/nginx.conf) cannot run here (no
// Docker engine), so its security-relevant settings are checked as text: the proxy must overwrite
// X-Forwarded-For (appending keeps what the client wrote), and the api must trust exactly that hop.
const root = path.resolve(import.meta.dirname, '../..');
const nginx = readFileSync(path.join(root, 'deploy/nginx.conf'), 'utf8');
const compose = readFileSync(path.join(root, 'docker-compose.yml'), 'utf8');

describe('deployment settings', () => {
  it('nginx overwrites X-Forwarded-For on every location it proxies to the api', () => {
    expect(nginx).not.toContain('$proxy_add_x_forwarded_for');
    const apiLocations = [...nginx.matchAll(/location ([^ ]+) \{([^}]*)\}/g)].filter(([, , body]) => body!.includes('hawker_api'));
    expect(apiLocations.map(([, where]) => where)).toEqual(['/api/', '/socket.io/']);
    for (const [, where, body] of apiLocations) expect(body, where).toMatch(/proxy_set_header X-Forwarded-For \$remote_addr;/);
  });

  it('the api trusts exactly one proxy hop, and the value is one the api accepts', () => {
    const trust = /TRUST_PROXY: '([^']*)'/.exec(compose)?.[1];
    expect(trust).toBe('1');
    expect(loadApiConfig({ TRUST_PROXY: trust }).trustProxy).toBe(1);
    expect(compose).toMatch(/PUBLIC_ORIGINS: /);
  });
});
