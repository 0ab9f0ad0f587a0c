/**
 * The help and commander's usage errors of the real `csdl` process, in Vietnamese: titles, the
 * help option and command, every command's description and options, and the usage errors, which
 * keep their exit code 2.
 * @module-tag slow
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const bin = fileURLToPath(new URL('../../bin/csdl.js', import.meta.url));

type Ran = { args: string[]; status: number | null; stdout: string; stderr: string };

/** Runs the commands at once (each start-up is mostly waiting for the TypeScript loader). */
function csdlAll(runs: string[][]): Promise<Ran[]> {
  return Promise.all(
    runs.map(
      (args) =>
        new Promise<Ran>((resolve) => {
          const child = spawn(process.execPath, [bin, ...args], { timeout: 60_000 });
          let stdout = '';
          let stderr = '';
          child.stdout.on('data', (b) => (stdout += b));
          child.stderr.on('data', (b) => (stderr += b));
          child.on('close', (status) => resolve({ args, status, stdout, stderr }));
        }),
    ),
  );
}

const COMMANDS = [
  [],
  ['generate'],
  ['etl'],
  ['transform'],
  ['quality'],
  ['status'],
  ['serve'],
  ['run'],
  ['approve'],
  ['unapprove'],
  ['approvals'],
  ['export'],
  ['accounts'],
  ['accounts', 'create'],
  ['accounts', 'list'],
  ['consumers'],
  ['consumers', 'list'],
  ['consumers', 'add'],
  ['consumers', 'approve'],
  ['consumers', 'suspend'],
  ['consumers', 'show'],
];

/** Words of the English help that must not come back (commander's and the old descriptions'); Vietnamese letters are letters. */
const ENGLISH = /(?<![\p{L}\d_])(Usage|Options|Commands|Arguments|display help|default:|the|and|of|to|when|with)(?![\p{L}\d_])/u;

describe('csdl help', () => {
  it('reads in Vietnamese for the program and every command', async () => {
    for (const r of await csdlAll(COMMANDS.map((c) => [...c, '--help']))) {
      const cmd = ['csdl', ...r.args.slice(0, -1)].join(' ');
      expect(r.status, cmd).toBe(0);
      expect(r.stdout, cmd).toContain(`Cách dùng: ${cmd}`);
      expect(r.stdout, cmd).toContain('Tùy chọn:');
      expect(r.stdout, cmd).toMatch(/-h, --help +hiển thị trợ giúp của lệnh/);
      expect(r.stdout, cmd).not.toMatch(ENGLISH);
    }
  }, 120_000);

  it('lists the commands under Lệnh: with the help command, and marks defaults as mặc định', async () => {
    const [top, status] = await csdlAll([['--help'], ['status', '--help']]);
    expect(top.stdout).toContain('Lệnh:');
    expect(top.stdout).toMatch(/help \[lệnh\] +hiển thị trợ giúp của một lệnh/);
    expect(top.stdout).toMatch(/consumers +Hệ thống nhận dữ liệu/);
    expect(status.stdout).toMatch(/-n, --runs <count> +số lần nạp gần nhất cần liệt kê \(1-100\) \(mặc định: 10\)/);
  }, 60_000);

  it('says what is wrong with the usage in Vietnamese and exits 2', async () => {
    const cases: Array<[string[], string]> = [
      [['etl', '--ful'], "csdl: không có tùy chọn '--ful'\n(Có phải ý bạn là --full?)"],
      [['consumers', 'lst'], "csdl: không có lệnh 'lst'\n(Có phải ý bạn là list?)"],
      [['consumers', 'approve', 'con_0123456789ab'], "csdl: thiếu tùy chọn bắt buộc '--until <date>'"],
      [['consumers', 'approve', 'con_0123456789ab', '--until'], "csdl: tùy chọn '--until <date>' thiếu giá trị"],
      [['consumers', 'show', 'a', 'b'], "csdl: quá nhiều tham số cho lệnh 'show': cần 1, nhận 2"],
      [['generate', '--seed', 'x'], "csdl: giá trị 'x' của tùy chọn '-s, --seed <n>' không hợp lệ: cần một số nguyên từ 0 đến 4.294.967.295"],
    ];
    const ran = await csdlAll(cases.map(([args]) => args));
    for (const [i, [args, message]] of cases.entries()) {
      expect(ran[i].status, args.join(' ')).toBe(2);
      expect(ran[i].stderr, args.join(' ')).toContain(message);
      expect(ran[i].stderr, args.join(' ')).toContain('Cách dùng: csdl');
      expect(ran[i].stderr, args.join(' ')).not.toMatch(/\berror:|Did you mean|Usage:/);
    }
  }, 120_000);
});
