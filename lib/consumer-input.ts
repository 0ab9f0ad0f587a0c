/**
 * What registering a reporting system takes (issue: registry of consumers), one zod schema for
 * the admin API (which documents it in OpenAPI) and the CLI working on the warehouse file.
 * A push goes to an HTTPS endpoint (plain HTTP only to this machine, for a local relay or a test
 * receiver) signed with a shared secret; a folder drop names an absolute folder; a pull needs
 * neither (its `system` key is issued on approval).
 */
import { isAbsolute } from 'node:path';
import cron from 'node-cron';
import { z } from 'zod';

/** The package formats a consumer may take (those of pipelines/export). */
export const PACKAGE_FORMATS = ['xlsx', 'csv', 'parquet', 'arrow', 'json', 'sdmx'] as const;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function endpointProblem(method: string, endpoint: string | undefined): string | null {
  if (method === 'pull') return endpoint ? 'hệ thống nhận kiểu pull không có endpoint (nó tự lấy gói bằng khóa hệ thống)' : null;
  if (!endpoint)
    return method === 'push' ? 'hệ thống nhận kiểu push cần endpoint (https://...)' : 'hệ thống nhận kiểu folder cần thư mục (đường dẫn tuyệt đối)';
  if (method === 'folder') return isAbsolute(endpoint) ? null : `thư mục ${endpoint} phải là đường dẫn tuyệt đối`;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    return `${endpoint} không phải là URL`;
  }
  if (url.protocol === 'https:') return null;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return null;
  return `${endpoint}: push phải đi qua HTTPS (http thường chỉ đến 127.0.0.1 / localhost)`;
}

export const consumerInput = z
  .strictObject({
    name: z.string().trim().min(1).max(200).meta({ description: 'The system, e.g. Hệ thống thông tin báo cáo quốc gia' }),
    owner_org: z.string().trim().min(1).max(200).meta({ description: 'The organisation that owns it' }),
    contact: z.string().trim().min(1).max(200).meta({ description: 'Who answers for it (a role, office phone or address; no personal ID)' }),
    purpose: z.string().trim().min(1).max(1000).meta({ description: 'What it uses the data for' }),
    cost: z.string().trim().max(500).optional().meta({ description: 'What the exchange costs and who bears it', example: 'Không thu phí' }),
    legal_basis_number: z.string().trim().min(1).max(100).meta({ description: 'The legal basis: the document number', example: '123/QĐ-SGDĐT' }),
    legal_basis_date: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'phải là một ngày dạng YYYY-MM-DD')
      .refine((d) => !Number.isNaN(Date.parse(d)), 'không phải là một ngày có thật')
      .meta({ description: 'The legal basis: the document date (YYYY-MM-DD)' }),
    scope_unit: z.string().trim().min(1).max(60).meta({ description: 'The province or nation whose packages it may receive (code or key)', example: '12' }),
    formats: z.array(z.enum(PACKAGE_FORMATS)).min(1).default(['csv', 'json']).meta({ description: 'The package files it takes' }),
    figures: z.enum(['exact', 'suppressed']).default('suppressed').meta({ description: "exact (the Ministry's package) or suppressed (small cells hidden)" }),
    provisional: z.boolean().default(false).meta({ description: 'Whether it also receives figures not yet approved, marked provisional' }),
    method: z.enum(['push', 'folder', 'pull']).meta({ description: 'push to an HTTPS endpoint, drop into a folder, or pull with a system key' }),
    endpoint: z.string().trim().min(1).max(500).optional().meta({ description: 'The push URL or the folder' }),
    secret: z.string().min(16, 'phải có ít nhất 16 ký tự').max(200).optional().meta({ description: 'The shared secret a push is signed with (stored sealed)' }),
    schedule: z
      .string()
      .trim()
      .refine((s) => s === 'deadline' || cron.validate(s), 'phải là biểu thức cron như "0 6 * * 1", hoặc "deadline"')
      .optional()
      .meta({
        description:
          "Its own cron schedule, or 'deadline' (06:00 on its province's reporting deadlines, `deadlines` in the configuration); without one it receives after each pipeline run",
      }),
  })
  .superRefine((c, ctx) => {
    const problem = endpointProblem(c.method, c.endpoint);
    if (problem) ctx.addIssue({ code: 'custom', path: ['endpoint'], message: problem });
    if (c.method === 'push' && !c.secret)
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'hệ thống nhận kiểu push cần khóa bí mật chung (secret) từ 16 ký tự' });
    if (c.method !== 'push' && c.secret)
      ctx.addIssue({ code: 'custom', path: ['secret'], message: 'chỉ hệ thống nhận kiểu push có khóa bí mật chung (secret)' });
    if (c.provisional && c.figures === 'suppressed') {
      ctx.addIssue({
        code: 'custom',
        path: ['provisional'],
        message: 'số liệu tạm thời (chưa duyệt) chỉ gửi cho hệ thống nhận số liệu chính xác (figures exact) của các cấp quản lý',
      });
    }
  });

export type ConsumerInput = z.output<typeof consumerInput>;
