/**
 * commander in Vietnamese: the help's titles, the help option and command, the notes it adds to an
 * option (default, choices) and its own usage errors (unknown option or command, a missing or bad
 * value). Set on the program before the commands are registered, so that every command inherits
 * it. commander writes its errors in English; they are translated on their way out, and one it
 * has no translation for is shown as it is rather than lost.
 */
import { Help, type Command, type Option } from 'commander';

const TITLES: Record<string, string> = {
  'Usage:': 'Cách dùng:',
  'Options:': 'Tùy chọn:',
  'Global Options:': 'Tùy chọn chung:',
  'Commands:': 'Lệnh:',
  'Arguments:': 'Tham số:',
};

/** commander's error messages (commander 14) and their Vietnamese. */
const ERRORS: Array<[RegExp, string]> = [
  [/^error: unknown option '(.*)'/, "không có tùy chọn '$1'"],
  [/^error: unknown command '(.*)'/, "không có lệnh '$1'"],
  [/^error: missing required argument '(.*)'/, "thiếu tham số bắt buộc '$1'"],
  [/^error: option '(.*)' argument missing/, "tùy chọn '$1' thiếu giá trị"],
  [/^error: required option '(.*)' not specified/, "thiếu tùy chọn bắt buộc '$1'"],
  [/^error: option '(.*)' argument '(.*)' is invalid\. ?/, "giá trị '$2' của tùy chọn '$1' không hợp lệ: "],
  [/^error: command-argument value '(.*)' is invalid for argument '(.*)'\. ?/, "giá trị '$1' của tham số '$2' không hợp lệ: "],
  [/^error: too many arguments for '(.*)'\. Expected (\d+) arguments? but got (\d+)\./, "quá nhiều tham số cho lệnh '$1': cần $2, nhận $3"],
  [/^error: too many arguments\. Expected (\d+) arguments? but got (\d+)\./, 'quá nhiều tham số: cần $1, nhận $2'],
  [/^error: (.*) cannot be used with (.*)/, '$1 không dùng cùng được với $2'],
  [/\n\(Did you mean one of (.*)\?\)/, '\n(Có phải ý bạn là một trong $1?)'],
  [/\n\(Did you mean (.*)\?\)/, '\n(Có phải ý bạn là $1?)'],
  [/^error: /, 'lỗi: '],
];

/** commander's placeholders of the usage line: `[options]`, `[command]`. */
const placeholders = (usage: string): string => usage.replace(/\[options\]/g, '[tùy chọn]').replace(/\[command\]/g, '[lệnh]');

/** A commander error message in Vietnamese (the names it quotes stay as typed). */
function vietnameseError(message: string): string {
  let out = message;
  for (const [pattern, vi] of ERRORS) out = out.replace(pattern, vi);
  return out;
}

/** Sets the Vietnamese help and error messages on `program` (before its commands are added). */
export function speakVietnamese(program: Command): Command {
  return program
    .helpOption('-h, --help', 'hiển thị trợ giúp của lệnh')
    .helpCommand('help [command]', 'hiển thị trợ giúp của một lệnh')
    .configureHelp({
      styleTitle: (title) => TITLES[title] ?? title,
      commandUsage: (cmd) => placeholders(Help.prototype.commandUsage.call(new Help(), cmd)),
      subcommandTerm: (cmd) => placeholders(Help.prototype.subcommandTerm.call(new Help(), cmd)),
      optionDescription(this: Help, option: Option) {
        return Help.prototype.optionDescription.call(this, option).replace(/\((?:choices|default|preset|env): .*\)$/, (notes) =>
          notes
            .replace(/\bchoices: /, 'chọn một trong: ')
            .replace(/\bdefault: /, 'mặc định: ')
            .replace(/\bpreset: /, 'khi không ghi giá trị: '),
        );
      },
    })
    .configureOutput({ outputError: (str, write) => write(`csdl: ${vietnameseError(str)}`) });
}
