// The outbound guard on real sockets and the system resolver: which addresses count as public
// (ipaddr.js ranges), the allow-list syntax, and agents that refuse a non-public address after
// DNS (a name) or before connecting (a literal), while an allowed target is reached.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkTargetNow, createGuardedAgents } from '../../net/agents';
import { loadConfig, targetPolicies } from '../../config/env';
import { addressClass, parseAllowedTargets, publicOnly, urlRefusal } from '../../net/targets';

describe('address classes', () => {
  test.each([
    ['127.0.0.1', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['::ffff:127.0.0.1', 'a loopback address'],
    ['10.1.2.3', 'a private address'],
    ['172.16.0.1', 'a private address'],
    ['192.168.1.1', 'a private address'],
    ['169.254.10.10', 'a link-local address'],
    ['fe80::1', 'a link-local address'],
    ['fd12:3456::1', 'a unique-local address'],
    ['100.64.0.1', 'a carrier-grade NAT address'],
    ['0.0.0.0', 'the unspecified address'],
    ['169.254.169.254', 'a cloud metadata address'],
    ['fd00:ec2::254', 'a cloud metadata address'],
    ['::ffff:169.254.169.254', 'a cloud metadata address'],
    ['100.100.100.200', 'a cloud metadata address'],
  ])('%s is %s', (address, why) => {
    expect(addressClass(address)).toBe(why);
  });

  test.each(['8.8.8.8', '142.250.180.10', '2a00:1450:4002:402::200a', '::ffff:8.8.8.8'])('%s is public', (address) => {
    expect(addressClass(address)).toBeNull();
  });
});

describe('allow-lists', () => {
  const policy = parseAllowedTargets('127.0.0.1:8080, 10.0.0.0/8, [::1]:4000, crm.internal:443, 169.254.0.0/16', 'WEBHOOK_ALLOWED_INTERNAL_TARGETS');
  const refused = (url: string) => urlRefusal(policy, new URL(url));

  test('names addresses with a port, networks, bracketed IPv6 and host names', () => {
    expect(refused('http://127.0.0.1:8080/hook')).toBeNull();
    expect(refused('http://127.0.0.1:8081/hook')).toMatch(/127\.0\.0\.1 is a loopback address; .*WEBHOOK_ALLOWED_INTERNAL_TARGETS=127\.0\.0\.1:8081/u);
    expect(refused('https://10.20.30.40/hook')).toBeNull();
    expect(refused('http://[::1]:4000/')).toBeNull();
    expect(refused('http://[::1]:4001/')).toMatch(/::1 is a loopback address/u);
    expect(refused('https://192.168.0.1/')).toMatch(/a private address/u);
  });

  test('metadata services are refused even inside an allowed network, by address or by name', () => {
    expect(refused('http://169.254.169.254/latest/meta-data/')).toMatch(/cloud metadata address; Touchpoint never connects to one/u);
    expect(refused('http://169.254.1.1/')).toBeNull();
    expect(refused('http://metadata.google.internal/computeMetadata/v1/')).toMatch(/cloud metadata service/u);
    expect(refused('http://[fd00:ec2::254]/')).toMatch(/cloud metadata/u);
  });

  test('a bad entry names the setting and the entry', () => {
    expect(() => parseAllowedTargets('10.0.0.0/99', 'PUSH_ALLOWED_PRIVATE_TARGETS')).toThrow(/PUSH_ALLOWED_PRIVATE_TARGETS: "10\.0\.0\.0\/99" is not a network in CIDR form/u);
    expect(() => parseAllowedTargets('host:70000', 'X')).toThrow(/X: "host:70000" has a port outside 1-65535/u);
    expect(() => parseAllowedTargets('http://crm', 'X')).toThrow(/X: "http:\/\/crm"/u);
  });
});

describe('guarded agents on real sockets', () => {
  let server: http.Server;
  let port: number;
  let hits = 0;
  beforeAll(async () => {
    server = http.createServer((_request, response) => {
      hits += 1;
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const get = (url: string, agent: http.Agent) =>
    new Promise<number>((resolve, reject) => {
      http.get(url, { agent }, (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
      }).on('error', reject);
    });

  test('a name that resolves to loopback is refused after DNS, a literal before connecting; nothing arrives', async () => {
    const agents = createGuardedAgents(publicOnly('PUSH_ALLOWED_PRIVATE_TARGETS'), { keepAlive: true });
    const before = hits;
    // The agent is asked directly: the system resolver answers localhost with a loopback address.
    await expect(get(`http://localhost:${port}/`, agents['http:'])).rejects.toMatchObject({ code: 'ETARGETREFUSED', message: expect.stringMatching(/localhost \((127\.0\.0\.1|::1)\) is a loopback address/u) });
    await expect(get(`http://127.0.0.1:${port}/`, agents['http:'])).rejects.toMatchObject({ code: 'ETARGETREFUSED', message: expect.stringContaining(`PUSH_ALLOWED_PRIVATE_TARGETS=127.0.0.1:${port}`) });
    expect(hits).toBe(before);
  });

  test('an allowed target is reached, by name or by address', async () => {
    const agents = createGuardedAgents(parseAllowedTargets(`localhost:${port},127.0.0.1:${port}`, 'PUSH_ALLOWED_PRIVATE_TARGETS'), { keepAlive: false });
    const before = hits;
    expect(await get(`http://127.0.0.1:${port}/`, agents['http:'])).toBe(200);
    expect(await get(`http://localhost:${port}/`, agents['http:'])).toBe(200);
    expect(hits).toBe(before + 2);
  });

  test('checkTargetNow resolves names: one resolving to loopback is refused', async () => {
    const fakeResolved = async () => [{ address: '10.9.8.7', family: 4 }];
    expect(await checkTargetNow(publicOnly('X'), new URL('https://push.example/abc'), fakeResolved as never)).toMatch(/push\.example \(10\.9\.8\.7\) is a private address/u);
    expect(await checkTargetNow(publicOnly('X'), new URL(`http://localhost:${port}/`))).toMatch(/localhost is a loopback address/u);
  });
});

describe('configuration', () => {
  test('a bad allow-list stops start-up naming the variable and the entry', () => {
    expect(() => loadConfig({ WEBHOOK_ALLOWED_INTERNAL_TARGETS: 'crm.internal:443, 10.0.0.0/40' }, '/tmp')).toThrow(/WEBHOOK_ALLOWED_INTERNAL_TARGETS: "10\.0\.0\.0\/40" is not a network in CIDR form/u);
    const config = loadConfig({ PUSH_ALLOWED_PRIVATE_TARGETS: '127.0.0.1:8080' }, '/tmp');
    expect(targetPolicies(config).push.allowed).toHaveLength(1);
    expect(targetPolicies(config).webhooks.allowed).toEqual([]);
  });
});
